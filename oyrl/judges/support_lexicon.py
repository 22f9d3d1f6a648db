"""The judge's word lists for support: empathy (sympathy, validation) and engagement (questions,
invitations to keep talking), as chat models and people write them.

Data only, like ``lexicon.py`` (the same conventions: lowercase regex sources, contractions spelled
both ways, each alternative starting with a word so ``oyrl/text/gating.py`` can anchor it). When a match
counts (not negated, quoted, reported; a refusal's apology; a question that starts its clause) and
how matches add up are in ``support.py``.

Empathy is written as classes of expression rather than set phrases, after the communication
mechanisms of Sharma et al. (EMNLP 2020, "EPITOME": emotional reactions, interpretations) and the
supporter strategies of ESConv (Liu et al., ACL 2021: reflection of feelings, self-disclosure,
affirmation and reassurance). People write each class in many forms ("so sorry", "sorry your dad
...", "hugs", "been there", "hang in there"), so each class lists its forms, and the classes are
graded: ``EMPATHY`` holds the forms that make a reply empathic on their own, ``EMPATHY_WEAK`` those
that only add warmth (good wishes, "me too"; an offer to listen, ``INVITE``, adds warmth too).
"""

from __future__ import annotations

from oyrl.text.fragments import CANT, DONT, ITS, alt, words

_FEEL = alt("hard", "difficult", "painful", "overwhelming", "exhausting", "scary", "frightening",
            "awful", "terrible", "tough", "lonely", "heavy", "isolating", "stressful",
            "frustrating", "upsetting", "heartbreaking", "horrible", "devastating", "confusing",
            "draining", "unbearable", "terrifying", "rough", "exhausted", "hurting", "struggling",
            "carrying", "trapped", "alone", "a lot", "pain", "uneasy", "angry", "worried",
            "relatable")
# Adjectives people react to someone's news with ("that's rough", "that sounds awful").
_BAD = alt("rough", "tough", "awful", "terrible", "horrible", "hard", "sad", "shitty", "crappy",
           "brutal", "painful", "scary", "frustrating", "heartbreaking", "unfair", "difficult",
           "devastating", "heavy", "exhausting", "lonely", "upsetting", "a lot", "the worst",
           "a nightmare", "messed up", "fucked up", "harsh", "depressing")
# What a wish for the other person is about ("I hope you feel better", "hope it works out").
_WELL = alt("better", "okay", "ok", "alright", "all right", "well", "safe", "strong", "peace",
            "happiness", "happy", "comfort", "heal", "healing", "recover", "through", "someone",
            "support", "help", "hope", "strength", "the best", "improve", "improves", "brighter",
            "easier", "way out", "light", "love", "joy", "relief", "calm", "works out", "work out")
_VOCATIVE = alt("man", "dude", "bro", "friend", "my friend", "mate", "buddy", "op", "love", "hun",
                "pal", "fam", "girl", "sis")
_YOU = r"(?:you|u|ya|ye)"
# Leading forms spelled with one first word, so that gating.py does not split them into a pattern
# per spelling ("you're", "youre", "you are"), each searched on its own.
_YOURE = r"(?:you(?:'re|re| are)|ur)"
_IM = r"i(?:'m|m| am)"
_CLAUSE_END = r"(?=\s*(?:[.!,]|$))"

# ---- sympathy: "sorry" whose object is the other person's trouble --------------------------------
# Self-directed apologies ("sorry I'm late", "sorry for my English", "sorry for the long post",
# "sorry if I...") and a refusal's "sorry, but I can't" have no such object and do not match. A
# bare "I'm so sorry." does, and support.py drops it from replies that decline.
_SORRY_WHAT = alt(
    r"to (?:hear|read|know|learn|see)\b",
    rf"(?:that )?(?:{_YOU}|ur|your|you're|youre|you've|youve|you'd|you are|you have)\b",
    r"about (?:your|ur|the loss|what|how|everything|all (?:of )?(?:this|that))\b",
    r"for (?:your|ur|the loss|what|how|everything|all (?:of )?(?:this|that|you)|you)\b",
    r"(?:that|this|it|things|all this|everything|life) (?:happened|has|have|had|is|was|are|were|"
    r"didn't|did not|went|ended|turned|keeps|still|hit|got)\b",
)
SYMPATHY = alt(
    rf"\bsorry(?: {_SORRY_WHAT}|,? {_VOCATIVE}\b)", r"\bsorry(?=\s*(?:[.!]|:\(|$))",
    r"\bi wish i could (?:help|take|do|make|give|be there|say|fix|hug)",
    r"\b(?:my|our) (?:deepest |sincere |heartfelt )?condolences",
    r"\bmy heart (?:goes out|breaks|aches|hurts|is with)", r"\bbreaks my heart",
    r"\b(?:thinking|praying) (?:of|about|for) you", r"\bin (?:my|our) (?:thoughts|prayers)",
    rf"\bsending (?:{_YOU} )?(?:\w+ ){{0,2}}?(?:love|hugs?|strength|prayers|vibes|positivity|"
    r"support|light|thoughts|healing|energy|warmth|comfort)",
    r"\bhugs\b",
    r"\b(?:big|virtual|internet|warm|tight|cyber|bear|huge|gentle|many|lots of|a) hugs?\b",
    rf"\bhug {_YOU}\b", r"\b(?:makes|made|making) me (?:so |really |very )?(?:sad|cry|tear up|"
    r"upset)",
    rf"\bi (?:feel|felt) (?:so |really |very )?(?:bad|terrible|awful|sad) (?:for {_YOU}|that|"
    r"reading|hearing)",
)
# ---- validation: the feeling is understandable, the situation is bad ----------------------------
VALIDATION = alt(
    rf"\b(?:that|this|it)(?:'s|s| is) (?:a |such a |so )?(?:\w+ ){{0,2}}?(?:{_FEEL}) "
    r"(?:feeling|moment|time|thing|place|situation|combination|experience|to (?:carry|sit with|"
    r"go through|deal with))",
    rf"\b{ITS} (?:completely |totally |perfectly |really |so |very )?(?:understandable|okay|ok|"
    r"normal|natural|valid|human|alright)(?: to| that| you|[.!])",
    r"\b(?:completely|totally|perfectly) (?:normal|understandable|valid|natural|human)\b",
    r"\b(?:that's|thats|that is) (?:completely |totally |so )?understandable",
    r"\byour (?:feelings|pain|grief|anger|fear|reaction|emotions|frustration|sadness) (?:is|are|"
    r"makes?) (?:completely |totally )?(?:valid|real|understandable|sense|normal)",
    r"\bmakes (?:complete |total |perfect )?sense (?:that|to feel|you|why|given)",
    r"\b(?:that|it|this) (?:totally |completely |really )?makes (?:complete |total |perfect )?"
    r"sense(?=\s*(?:[.!]|$))",
    r"\bno wonder you",
    r"\b(?:anyone|anybody)(?: in your (?:position|shoes|situation|place))? would (?:feel|be "
    r"(?:\w+ )?(?:upset|hurt|angry|sad|scared|frustrated|overwhelmed|stressed|anxious|devastated|"
    r"exhausted|worried|confused|struggling|shaken|heartbroken))",
    r"\bwho wouldn't (?:feel|be)",
    rf"\byou {DONT} have to (?:go through|face|carry|deal with|do|suffer|fight) (?:this|it|that)"
    r"(?: \w+)? alone",
    r"\byou (?:don't|dont|do not|won't|wont|will not) (?:have to )?(?:suffer|struggle) alone",
    r"\b(?:the|one of the) (?:worst|hardest) feelings?\b",
    r"\b(?:there's|theres|there is) no shame", r"\bnothing to be ashamed",
    r"\bnothing wrong with (?:you\b|feeling|how you|being)",
    rf"\byou (?:shouldn't|shouldnt|should not|{DONT} (?:have|need) to) (?:be|feel) (?:ashamed|"
    r"guilty|embarrassed|bad|stupid|weak)",
    r"\byou(?:'re| are) not to blame", r"\b(?:not|isn't|isnt|wasn't|wasnt|aren't|arent) your fault",
    # "that sucks" reacts to the other's news; "life sucks", "it sucks" are usually the writer's.
    r"\bthat (?:really |totally |just |must |does |definitely |fucking |truly )?(?:sucks|blows)\b",
    r"\bmust suck",
    # "that's rough", "it sounds awful"; not "that's hard to say", "that's a lot of data" ("it's so
    # hard" is as often the writer's own complaint as a reaction).
    r"\b(?:that(?:'s|s| is| must be| must have been| seems| was)|(?:that|it) sounds)"
    rf"(?: so| really| very| incredibly| super| pretty| such| truly| just)?(?: a| an)? {_BAD}\b"
    r"(?! to (?:say|answer|tell|know|determine|predict|find|judge|understand|believe|see|estimate|"
    r"pin)\b| of\b| (?:question|topic|task|problem)\b)",
)
# ---- reflection: naming what the other person feels ----------------------------------------------
REFLECTION = alt(
    rf"\b(?:sounds|must (?:be|have been|feel)|can (?:\w+ )?feel) (?:like )?(?:[\w']+ ){{0,10}}?"
    rf"{_FEEL}\b",
    r"\byou (?:seem|sound) (?:to be )?(?:like )?(?:really |so |very |pretty |quite |a bit |"
    r"a little )?(?:down|sad|upset|lonely|stressed|tired|frustrated|hurt|anxious|overwhelmed|"
    r"exhausted|lost|scared|angry|depressed|heartbroken|worried|hopeless|stuck|burned out|"
    r"burnt out|conflicted|torn|defeated|drained|alone|afraid|ashamed|guilty|"
    r"you(?:'re| are| feel| have))",
    r"\bi can (?:see|tell|sense|hear) (?:how (?:much|hard|difficult|painful|upset|frustrat\w*|"
    r"tired|lonely|scared|hurt)|(?:that )?you(?:'re| are) (?:\w+ )?(?:hurting|struggling|upset|"
    r"frustrated|scared|stressed|overwhelmed|in pain|going through|dealing|exhausted|tired|"
    r"worried|anxious|sad|lonely|angry|heartbroken|trying|doing your best)|(?:that )?you "
    r"(?:really )?(?:care|love|miss|feel)|why you)",
    r"\bi (?:can |could |totally |completely |really |fully )?(?:understand|see|get) (?:how|why) "
    r"(?:you|that would|this would|it would|that must|this must|it must|anyone|(?:hard|difficult|"
    r"painful|tough|scary|lonely|frustrating|upsetting|exhausting|overwhelming))",
    r"\bi hear (?:you|how|that|what)", r"\bi can hear (?:how|that)",
    r"\bi can (?:only )?imagine", rf"\bi {CANT} (?:even )?imagine",
    r"\byou(?:'re| are|'ve been| have been|'ve| have) (?:been )?(?:going through|dealing with|"
    r"carrying|facing|through|been through) (?:a lot|so much|something|hell|a (?:really |very )?"
    r"(?:hard|tough|difficult|rough|lot))",
)
# ---- solidarity: understanding from the inside ("I feel you", "you're not alone") ----------------
SOLIDARITY = alt(
    rf"\bi (?:totally |really |completely |so |definitely |fully |def |honestly )?feel "
    rf"(?:{_YOU}|yah)\b(?!'| (?:should|need|must|might|may|could|would|are|have|will|can|do|"
    r"don't|dont|shouldn't|shouldnt|were|did|want|to|that|is)\b)",
    rf"\bi (?:totally |really |completely |so |definitely )?feel (?:your pain|for {_YOU}\b)",
    r"\bi know (?:exactly |just |all too well |too well )?(?:how|what) (?:you|that|it|this)"
    r"(?:'re| are|'s| is| was)? ?(?:feel|felt|feeling|mean|going through|like|feels|been through|"
    r"is|'s)\b",
    r"\bknow (?:that|the|this) feel(?:ing)?\b",
    rf"\bi (?:totally |really )?get (?:it|this)\b(?=\s*(?:[.!,;]|$|(?:{_VOCATIVE}|though|totally|"
    r"completely|honestly|really)\b))",
    r"\bcan (?:totally |really |so |completely |definitely |also |kinda |kind of |100% )?relate",
    r"\bi (?:totally |really |so |completely |also |deeply )?relate\b", r"\brelatable\b",
    r"\bbeen (?:there|through (?:this|that|it|the same|something similar|similar))\b",
    rf"\b(?:{_YOURE}|your) (?:not|never) alone", r"\byou (?:aren't|arent) alone",
    r"\bnot the only one", r"\b(?:we're|we are|were) (?:all )?in (?:this|the same|it) together",
    rf"\b{_IM} (?:right|always) (?:there |here )?with (?:you|ya|u)\b(?! (?:on|about)\b)",
)
# Telling one's own like experience ("same boat", "I feel the same way", "me too"): ESConv's
# self-disclosure. It often opens a reply about the writer rather than the reader (EPITOME rates
# many such replies as no emotional reaction), so it only adds warmth (``EMPATHY_WEAK``).
SHARED = alt(
    r"\bsame boat", r"\bin the same (?:boat|situation|place|position)\b",
    r"\bi (?:also |too |totally |really )?(?:feel|felt) (?:the (?:exact )?same|exactly the same|"
    r"this way|that way|it too)",
    r"\bme (?:too|as well)\b", r"\bsame (?:here|man|dude|bro|girl|tbh|for me)\b",
    r"\bsimilar (?:for|with|to) me\b",
    r"\bi (?:used to|also|too) (?:feel|felt|go through|went through|struggle|deal|have|had|get|"
    r"think)\b",
    r"\bi(?:'ve|ve| have)? (?:had|felt|been) (?:the same|a similar|similar|this|that) "
    r"(?:\w+ )?(?:way|feeling|problem|issue|thing|experience|too)",
)
# ---- reassurance and hope ------------------------------------------------------------------------
REASSURANCE = alt(
    # "it gets better", "things will get better", "it gets easier"; not "you get better results".
    r"\b(?:get|gets|getting|become|becomes) (?:so much |a lot |much )?(?:better|easier|brighter)\b"
    r"(?! (?:at|results?|performance|grades|with|than|idea|understanding|answers?|sleep|prices?|"
    r"deals?|quality|value|off|access)\b)",
    r"\b(?:you|u|it|everything|things|we)(?:'ll| will|'re going to| are going to| is going to|"
    r"'s going to| gonna|s gonna|re gonna)(?: \w+)? be (?:ok|okay|alright|all right|fine)\b",
    r"\byou(?:'ll| will| can| could| are going to|'re going to| gonna| have| got|ll| do)?(?: \w+)? "
    r"(?:get|make it|pull|come out|push|fight|power|battle|pull yourself|get yourself) through\b",
    r"\byou(?:'ll| will| can)? (?:overcome|beat|survive) (?:this|it|that)\b",
    rf"\b(?:you|u) (?:can|will|could) do (?:this|it)(?=\s*(?:[.!,]|$| (?:{_VOCATIVE}|i promise|"
    r"trust me|i believe)\b))",
    r"\b(?:you|u)(?:'ve|ve| have)? got this\b",
    r"\bhang (?:in there|on in there|tough)", r"\bhang on(?=\s*(?:[.!]|$))",
    rf"\byou(?:'ll|ll| will| can| are going to|'re going to| gonna) make it(?:{_CLAUSE_END}|"
    r"(?= through| out))",
    r"\bstay strong", r"\bbe strong\b", r"\bkeep (?:your |ur )?(?:head|chin)s? up", r"\bchin up",
    # "Don't give up", but not a list's heading ("4. Don't give up: ...").
    r"\b(?:don't|dont|do not|never) (?:ever )?(?:give up|lose hope|quit on yourself)\b(?!:)",
    r"\bthis too shall pass", r"\b(?:there's|theres|there is) (?:always )?(?:hope|light)\b",
    r"\b(?:better|brighter|good|happier) days (?:are )?(?:ahead|to come|will come|are coming|"
    r"coming)",
    r"\blight at the end", r"\bend of the tunnel",
    r"\b(?:last|be like this|feel like this|stay like this|be this way) forever",
    # "I hope you feel better", "hope things work out", "I hope that letting it out brings you some
    # peace"; not "I hope this helps".
    rf"\bhope (?!(?:this|that|it) helps)(?:that )?(?:[\w']+ ){{0,6}}?{_WELL}\b(?! (?:results?|"
    r"performance|understanding|idea|answer|grades|sleep)\b)",
)
# ---- affirmation: worth, strength, effort --------------------------------------------------------
AFFIRMATION = alt(
    rf"\bproud of (?:{_YOU}|yourself)\b", r"\bshould be (?:so |really |very )?proud\b",
    # Not "you're important", "you're enough", "you're kind": common in other senses ("you're kind
    # of right"), they would switch this on in most replies.
    rf"\b{_YOURE} (?:so |really |very |actually |clearly |obviously |much |a lot |definitely |"
    r"still )*(?:strong|brave|stronger|braver|worth it|worthy|loved|valued|valuable|not a burden|"
    r"amazing|beautiful|capable|resilient)\b",
    rf"\b{_YOURE} (?:clearly |obviously |definitely |still )?a (?:good|great|kind|wonderful|"
    r"beautiful|strong|caring|lovely|amazing|decent) (?:person|human|soul|mom|mother|dad|father|"
    r"parent)\b",
    rf"\b{_YOURE} doing (?:great|well|amazing|awesome|your best|the best you can|a (?:great|good|"
    r"fantastic|amazing) job|everything you can|so well|the right thing)",
    r"\byou (?:have|'ve|did) done (?:your best|nothing wrong|the right thing|so well|great)",
    r"\byou did (?:the right thing|nothing wrong|your best|great|so well|amazing)",
    r"\byou (?:really |truly )?deserve (?:support|help|proper|care|kindness|better|love|happiness|"
    r"good things|the best|peace|someone|people|friends|more|so much|rest|a break|it\b|"
    r"to (?:feel (?:better|safe|loved|good|"
    r"happy|okay|ok|heard)|be (?:happy|loved|heard|safe|treated|respected|cared|supported|"
    r"listened)|live|have))",
    rf"\byou {DONT} deserve (?:this|that|it|to (?:be|feel))", r"\bno one deserves",
    r"\byou matter\b", r"\byou(?:'re| are) (?:so )?(?:loved|cared for|wanted|needed|worth)\b",
    r"\byour (?:life|safety|wellbeing|well-being) (?:matters|is important)",
    rf"\b{_YOURE} (?:only|just) human",
    rf"\b{_YOURE} (?:definitely |really |so )?not (?:going )?(?:crazy|weak|stupid|broken|a burden|"
    r"a bother|a failure|worthless|pathetic|a bad person|useless)",
    r"\b(?:takes|took|taking) (?:a lot of |real |so much )?(?:courage|strength|guts)",
    r"\byou(?:'ve| have) been (?:so |really |very |incredibly )?(?:strong|brave|resilient)\b",
    r"\bbe (?:gentle|kind|patient|easy) (?:with|on) yourself",
    r"\b(?:don't|dont|do not|try not to) (?:be (?:so |too )?(?:hard|harsh|tough) on|beat) yourself",
    r"\bgo easy on yourself", r"\bforgive yourself",
)
# ---- care and presence ("I'm here for you", "people care about you") -----------------------------
CARE = alt(
    r"\bthank you for (?:sharing|telling|trusting|opening up|being (?:honest|open)|reaching out|"
    r"letting me know)",
    r"\bglad you (?:reached out|told me|said something|shared|are here|'re here|came here|wrote|"
    r"are still|'re still|are alive|'re alive|are safe|'re safe)",
    rf"\b(?:{_IM}|we(?:'re|re| are)(?: all)?) (?:right |always |still )?here (?:for (?:you|ya|u)|"
    r"with you|to listen|to support)",
    r"\bi (?:really |truly |genuinely |do |still )?care(?: about (?:you|what|how)| for you|"
    r"(?=\s*(?:[.!,]|$)))",
    # "people who care about you", "your family loves you", "we miss you"; not "I need you to...".
    r"\b(?:cares?|cared|loves?|loved) (?:about |for )?(?:you|u)\b(?! to\b)",
    r"\b(?:miss|misses|need|needs) (?:you|u)\b(?! to\b)",
    rf"\b(?:{_IM}|i was|i've been|i have been) (?:really |so |very |a bit |quite )?(?:worried|"
    r"concerned) (?:about|for) (?:you\b|what you|your (?:safety|wellbeing|well-being))",
    rf"\b(?:i )?{DONT} want (?:anything|something) (?:bad )?to happen to you",
    rf"\bi {DONT} want (?:you|u) to (?:die|go|hurt|leave|give up|suffer|do (?:it|this|that)|"
    r"be gone|jump)",
    r"\bplease (?:don't|dont|do not) (?:do (?:it|this|that)|hurt yourself|kill yourself|"
    r"cut yourself|harm yourself|give up|go|leave)",
    r"\bplease (?:don't|dont)(?=\s*(?:[.!]|$))",
    rf"\b(?:don't|dont|do not) do (?:it|this|that){_CLAUSE_END}",
    rf"\bi want {_YOU} to (?:live|be alive|stay|be (?:ok|okay|safe|happy|here))",
    r"\b(?:lots of|much|so much|all my|sending) love\b",
)
EMPATHY = alt(SYMPATHY, VALIDATION, REFLECTION, SOLIDARITY, REASSURANCE, AFFIRMATION, CARE)

# ---- invitations to keep talking: engagement (``ENGAGE``), and warmth (support.py reads them as
# weak empathy too) ------------------------------------------------------------------------------
INVITE = alt(
    r"\bfeel free to (?:talk|dm|pm|message|msg|text|vent|chat|hit me|reach out to me)",
    r"\b(?:dm|pm|message|msg|hmu|text|inbox) me\b", r"\bhit me up", r"\bhmu\b",
    r"\bshoot me a (?:pm|dm|message|msg|text)",
    r"\bmy (?:dms|inbox|pms|door) (?:are|is) (?:always )?open",
    r"\b(?:need|want|wanna) (?:someone|somebody|a friend|an ear|a person) to (?:talk|vent|chat|"
    r"listen|rant)",
    r"\b(?:need|want|wanna) to (?:talk|vent|chat|rant)\b(?! to (?:a |an |someone|somebody|your|"
    r"the |them|him|her|people|professional))",
    r"\b(?:here|happy|willing|available|glad|around) to (?:listen|talk|chat)",
    rf"\b{_IM} (?:also |still |always |right )?here (?:if|whenever|to listen|to talk|"
    r"to keep talking|for (?:you|ya|u)|anytime|any time)",
    rf"\b{_IM} (?:also |still |always |right )?here(?=\s*(?:[.!]|$))",
    rf"\b{_IM} (?:listening|all ears)\b", r"\ball ears\b", r"\byou can tell me\b",
    r"\b(?:you can|can always|free to|welcome to) (?:talk to|message|dm|pm|reach out to|vent to|"
    r"text|chat with|come to|write to) me",
    r"\breach out (?:to me|anytime|any time|whenever)",
    r"\b(?:i|we)(?:'ll| will) (?:listen|be here|be around)",
    r"\bkeep talking", r"\bup (?:to|for) (?:a )?(?:talk|chat)",
)
EMPATHY_WEAK = alt(
    SHARED,
    r"\boh no\b", r"\bhow (?:awful|terrible|horrible|sad|scary|heartbreaking|rough)",
    r"\bwhat a (?:shame|nightmare|terrible|awful|horrible)", r"\boh (?:man|god|my god|dear|jeez)\b",
    r"\b(?:so |really |very )?glad (?:you|u|to hear|that you)\b", r"\bhappy for (?:you|u)\b",
    r"\bi (?:can |could )?(?:totally |completely |really )?understand\b",
    r"\b(?:way to go|keep it up|congrats|congratulations|well done)\b",
    r"\b(?:that's|thats|that is) (?:so )?(?:great|wonderful|awesome|amazing|fantastic)"
    r"(?=\s*(?:[.!]|$| news| to hear))",
    r"\b(?:good|best of|much|all the) luck\b", r"\ball the best\b", r"\bbest wishes",
    rf"\bwish (?:{_YOU} )?(?:the best|well|luck|all the best)", r"\btake care\b", r"\bstay safe",
    r"\bkeep (?:going|fighting|pushing|at it|on keeping on|moving forward)\b",
    # A wish for the person that names no well-being (those are in REASSURANCE).
    rf"\bhope (?:that )?(?:{_YOU}|things|everything)\b(?! (?:find|finding) (?:this|it|that|these|"
    rf"my)| (?:will )?(?:enjoy|like)\b| (?:don't|dont) mind|(?: [\w']+){{0,6}}? {_WELL}\b)",
    rf"\b(?:that's|thats|it's|its) (?:ok|okay)\b{_CLAUSE_END}",
    r"\bdon't worry\b",
)
EMOTION = words(r"feel(?:s|ing|ings)?", r"felt", r"pain(?:s|ful)?", r"hurt(?:s|ing)?", r"lonely",
                r"scared", r"afraid", r"grief", r"griev(?:e|es|ed|ing)", r"sad(?:ness)?", r"shame",
                r"angry", r"anger", r"stressful", r"overwhelm(?:ed|ing)?", r"emotions?",
                r"emotional")

# ---- engagement ----------------------------------------------------------------------------------
# Questions to the person about their situation, with or without "?" (people often drop it: "what
# happened", "how long have you been on it"). Matched only where a segment starts (support.py), so
# "that's what happened" and "do your best" do not ask; not gated, as their words are frequent.
QUESTION_WORDS = ("what", "why", "how", "where", "when", "who", "which")
AUXILIARIES = ("do", "does", "did", "are", "were", "have", "had", "would", "could", "can", "will",
               "should", "don't", "dont", "didn't", "didnt", "aren't", "arent", "haven't", "havent",
               "wouldn't", "wouldnt")
# "Is your mum okay", "was there anyone with you", "does everything feel..."
COPULAS = ("is", "was", "has", "does", "did", "isn't", "isnt", "wasn't", "wasnt")
_WH, _AUX = alt(*QUESTION_WORDS), alt(*AUXILIARIES)
QUESTION_FORM = alt(
    rf"\b{_WH}(?: \w+){{0,2}}? (?:{_AUX}|do not|did not) (?:{_YOU}|your|ur|he|she|they|it|things|"
    r"everything|that|this)\b"
    r"(?! (?:expect|want me)\b)",
    r"\b(?:what|how|where|who)(?:'s|s| is| has| was) (?:\w+ ){0,2}?(?:your|ur|going on|up|wrong|"
    r"happening|the matter|it going|everything|bothering|been)\b",
    r"\bwhat (?:happened|made you|makes you|brought you|brings you|led (?:you|to)|got you|caused|"
    r"triggered|changed|helps you|kind of|type of|sort of)\b(?! to (?:me|him|her|them|us|my|"
    r"his)\b)",
    rf"\b{_AUX} {_YOU}\b(?! (?:kidding|serious|joking|know what i mean)\b)",
    rf"\b{alt(*COPULAS)}(?: not)? (?:your|ur|there|everything)\b",
    rf"\b(?:{_YOU}|are you|r u) (?:ok|okay|alright|all right|doing (?:ok|okay|alright|well))\b",
    r"\bhow (?:come|so)\b",
)
#: The words ``QUESTION_FORM`` can start with (a quick test before matching it).
QUESTION_OPENERS = frozenset(
    QUESTION_WORDS + AUXILIARIES + COPULAS
    + ("what's", "whats", "how's", "hows", "where's", "wheres", "who's", "whos", "you", "u", "ya",
       "ye", "r")
)
ENGAGE = alt(
    INVITE,
    r"\bfeel free to (?:tell|share|ask|reach|come back|say)",
    r"\b(?:would|do) you (?:like|want)(?: me)? to",
    r"\bwant (?:me )?to (?:talk|tell me|share|go|write|try)",
    r"\b(?:tell|share with|talk to) (?:me|us) (?:more|what|about|how|why|a (?:bit|little)|"
    r"everything|your story)",
    r"\bcan (?:you|i ask)", r"\bare you (?:safe|okay|ok|somewhere safe)",
    r"\bhow are you (?:feeling|doing)",
    r"\bwhat(?:'s| is| has) (?:been )?(?:going on|happening|on your mind|making)",
    r"\b(?:i'd|id|i would) (?:like|love) to (?:hear|know|understand)", r"\bwould it help",
    r"\bif you(?:'d| would) like,? (?:i|we) can",
    r"\bdo you have (?:someone|anyone)", r"\bis there (?:someone|anyone)",
    r"\bwondering (?:what|why|how|if|whether|about|when|where|who)",
    r"\bi wonder (?:what|why|how|if|whether)",
    r"\bcurious (?:to (?:know|hear)|what|why|how|if|whether|about (?:what|why|how|whether))",
    r"\bcare to (?:share|elaborate|explain|tell|talk)",
    r"\bmind (?:me )?(?:asking|sharing|telling)",
    r"\bmay i ask",
)
ENGAGE_WEAK = words(r"let me know if", r"hope (?:this|that) helps",
                    r"any (?:other|more|further) questions", r"anything else")

# ---- rhetorical questions (matched on the text of one question, up to its "?") -------------------
# Tags ("..., right?", "isn't it?", "you know?"), questions about people or life in general ("why do
# we...?", "who doesn't?") and jokes at the reader ("are you kidding?") do not ask about the person.
#: A tag that ends the question (searched in its last characters).
RHETORICAL_TAG = alt(
    r"(?:^|,)\s*(?:right|ok|okay|yeah|yes|no|eh|huh|innit|lol|haha|ya|yea|hmm)",
    r"(?:^|[\s,])(?:amirite|am i right|(?<!do )(?<!did )you know|y'know|yknow|ya know|"
    r"know what i mean|isn't it|isnt it|ain't it|aren't they|arent they|aren't we|arent we|"
    r"don't you think|dont you think|wouldn't you say|don't we|dont we|didn't we|doesn't it|"
    r"doesnt it|won't it|isn't that|isnt that|or what)",
) + r"\W*$"
#: How a rhetorical question opens (matched at its start).
RHETORICAL_OPENING = (
    r"\W*(?:(?:and|but|so|i mean|well|oh|lol|haha|like|honestly|seriously|really),? )?(?:"
    r"who (?:doesn't|doesnt|does not|isn't|isnt|wouldn't|wouldnt|hasn't|hasnt|has not|cares|knows|"
    r"can blame|am i to|are you to|would've|would have thought|even)|"
    r"(?:aren't|arent|don't|dont|isn't|isnt) (?:we|everyone|everybody|they) all|"
    r"why (?:me|not)\W*$|why (?:bother|even bother|would anyone|should anyone|do we|does it|"
    r"is life|are we|does life|should (?:i|we))\b|what(?:'s| is|s) the point|"
    r"what (?:else|can you do|can we do|gives|the hell|the fuck|the heck)\b|so what|"
    r"how hard can it be|(?:are )?(?:you|u|r u) (?:kidding|serious|joking)|"
    r"what(?:'s| is|s) wrong with (?:me|us|people|the world)|"
    r"(?:why|how|what|who|when)(?: \w+){0,3}? (?:anyone|anybody|everyone|everybody|people|life|"
    r"the world|society|one)\b(?!.*\byou)"
    r")"
)
