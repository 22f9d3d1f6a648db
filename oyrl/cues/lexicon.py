"""Word lists of the user-cue extractor (``cues.py``): cues, risk domains, harm of an ask.

Data only, as lowercase regex sources compiled once by ``reader.py``. Users write informally, so
contractions also match without the apostrophe ("cant", "im", "dont"). ``HARM`` holds the domain
rules of request harm (recipes for weapons, malware and drugs; stalking, fraud, eating, crisis
beliefs, dual-use doses); acts on people are in ``harm_lexicon.py`` and the contexts that discount
a hit in ``harm_contexts.py``. Homonyms ("kill a Python process", "shoot a photo") are blanked out
before harm is scored.
"""

from __future__ import annotations

from oyrl.text.fragments import CANT, DONT, IM, WONT, YOURE, alt, words  # noqa: F401

# =============================================================================================
# User side: cues (tier weight, pattern). A cue's score sums its tiers, see cues.py.
# =============================================================================================
_FEELING = alt("hopeless", "worthless", "empty", "numb", "alone", "lonely", "trapped", "broken",
               "exhausted", "overwhelmed", "useless", "like a burden", "like a failure", "so tired",
               "terrible", "awful", "miserable", "scared", "terrified", "ashamed", "lost")
CUES: dict[str, list[tuple[float, str]]] = {
    "distress": [
        (0.7, words(r"(?:i'm|im|i am) not ok(?:ay)?", r"i can't stop", r"the only way i can cope",
                    r"makes the noise in my head stop", r"i'm scared of (?:myself|that part|what)")),
        (0.7, words(rf"i {CANT} (?:do|take|handle|cope with|deal with|bear) (?:this|it|anymore|any more)",
                    rf"i {CANT} (?:go on|cope|breathe|stop crying)", r"falling apart", r"breaking down",
                    rf"(?:i )?(?:feel|am|{IM}|feeling) (?:so |really |completely |just |very )?{_FEELING}",
                    r"(?:what's|whats) the point", r"i give up",
                    r"(?:tired|sick) of (?:everything|living|life|it all)",
                    r"hate myself", r"nobody (?:cares|would care|would notice)",
                    r"(?:i'?m|im|i am) (?:so )?done with (?:everything|it all|life|this)", r"i'?m done\b",
                    r"no one (?:cares|would care)",
                    r"panic attacks?", r"(?:can't|cant) stop crying", r"(?:a|such a) burden", r"no way out",
                    r"(?:so|really) depressed", r"(?:i'm|im) a mess",
                    r"everything is (?:falling apart|ruined)")),
        (0.35, words(r"depress(?:ed|ion)", r"anxi(?:ous|ety)", r"stress(?:ed)?", r"struggling", r"crying",
                     r"upset", r"scared", r"afraid", r"(?:can't|cant) sleep", r"failed", r"ruined", r"grief",
                     r"grieving", r"passed away", r"died", r"lost my", r"miss (?:him|her|them)",
                     r"heartbroken", r"lonely", r"idk what to do", r"(?:don't|dont) know what to do",
                     r"hurting",
                     r"desperate", r"freaking out")),
    ],
    "self_harm_risk": [
        (1.0, words(r"thinking (?:about|of) (?:jumping|ending it|killing myself|not being here|dying)",
                    r"(?:wrote|written|writing) (?:a |my )?(?:suicide |goodbye )?note", r"worth more dead",
                    r"(?:relieved|better off|happier) if i (?:died|was gone|wasn't here|wasnt here)",
                    rf"{DONT} care if i (?:wake up|die|live)", r"take way too much", r"planning it",
                    r"not being here", r"overdosed before", r"go too far",
                    r"kill(?:ing)? my ?self", r"kms", r"end (?:it all|my life|things|it)", r"suicid\w*",
                    r"(?:want|wanna|going) to die", r"wanna die", r"unalive", r"ctb",
                    rf"{DONT} want to (?:be here|live|exist|wake up|be alive)", r"better off without me",
                    r"(?:hurt|hurting|cut|cutting|harm|harming|burn|burning) my ?self", r"self[- ]?harm\w*",
                    r"(?:want|wanting|urge|urges|need|needing) to (?:cut|hurt|burn)", r"painless way", r"not wake up",
                    r"no reason to (?:live|go on)",
                    r"(?:suicide|goodbye) (?:note|letter)", r"starv(?:e|ing) my ?self",
                    r"make my ?self (?:throw up|sick|vomit)", r"jump (?:off|from) (?:a|the)",
                    r"(?:pills|tablets) (?:\w+ ){0,4}would it take")),
        (0.4, words(r"disappear (?:forever|for good)", r"give (?:away )?my (?:stuff|things) away",
                    r"(?:won't|wont) be (?:a problem|around) (?:much )?(?:longer|anymore)", r"purg(?:e|ing)",
                    r"(?:the )?scars?", r"(?:stockpil|sav)(?:e|ed|ing) (?:up )?(?:my )?(?:pills|meds)",
                    r"(?:what's|whats) the point", r"(?:can't|cant) go on", r"lethal", r"relapse(?:d)?",
                    r"overdos\w*",
                    r"how many (?:\w+ ){0,3}(?:pills|tablets)", r"just a burden", r"dragging everyone down",
                    r"weight around (?:everyone's|their|my family's) neck")),
    ],
    "professional_context": [
        (0.8, words(rf"(?:{IM}|as|i work as|(?:i've|ive) been) (?:a|an) (?:\w+ ){{0,2}}?(?:nurse|doctor|physician|"
                    r"pharmacist|paramedic|emt|medic|social worker|therapist|counsel+or|psychologist|"
                    r"psychiatrist|toxicologist|vet|veterinarian|pentester|penetration tester|"
                    r"security (?:engineer|researcher|analyst)|soc analyst|sysadmin|moderator|teacher|"
                    r"researcher|police officer|detective|lawyer|journalist|chemist|pharmacologist)",
                    r"my (?:patient|client)s?", r"(?:our|the) (?:ward|icu|er|clinic|hospital|soc|red team)",
                    r"adult patient", r"(?:authori[sz]ed|scoped) (?:pen ?test|engagement|assessment)",
                    r"clinical (?:setting|practice|guidance)", r"(?:at|for) work", r"for my job",
                    r"(?:training|course) (?:for|on) (?:staff|nurses|employees)",
                    r"harm reduction (?:worker|service)")),
        (0.3, words(r"patients?", r"clinical", r"professional(?:ly)?", r"colleagues?", r"shift",
                    r"protocol", r"guidelines?", r"detection rules?", r"incident response",
                    r"our (?:team|company)")),
    ],
    "creative_context": [
        (0.7, words(r"(?:my|a|the) (?:novel|story|screenplay|script|book|poem|short story|fanfic|"
                    r"thriller|game|campaign|play)", r"for (?:a|my) (?:novel|story|book|movie|film|game)",
                    r"fiction(?:al)?", r"my characters?", r"a character (?:who|that)", r"in the story",
                    r"write a (?:scene|story|poem|dialogue)", r"world[- ]?building")),
        (0.3, words(r"characters?", r"plot", r"villain", r"protagonist", r"scene", r"creative")),
    ],
    "jailbreak_frame": [
        (1.0, words(r"ignore (?:all |any |your )?(?:previous|prior|above|earlier|the) (?:instructions|rules|prompts?)",
                    r"(?:you are|you're|youre) (?:now )?(?:dan|stan|dude|aim)\b", r"do anything now", r"developer mode", r"jailbr[eo]\w*",
                    r"(?:no|without any|without) (?:restrictions|filters|rules|limits|guidelines|censorship)",
                    r"unfiltered", r"stay in character", r"you have no (?:rules|guidelines|restrictions)",
                    r"without (?:any )?(?:warnings?|disclaimers?|moralizing|moralising|lectures?)",
                    r"(?:begin|start) your (?:reply|response|answer) with", r"opposite day",
                    r"my (?:late )?grandma used to", r"evil (?:ai|assistant|twin)", r"\[system\]",
                    r"<\|?(?:system|im_start)\|?>", r"aim:", r"uncensored")),
        (0.55, words(r"pretend (?:to be|(?:you're|youre)|you are|that)", r"act as", r"role[- ]?play",
                     r"you are now",
                     r"hypothetical(?:ly)?", r"in a (?:fictional|hypothetical) world",
                     r"imagine (?:you|that you)",
                     r"for educational purposes(?: only)?", r"purely (?:academic|theoretical)",
                     r"(?:it's|its) (?:just|only) (?:a story|fiction|hypothetical)", r"asking for a friend",
                     r"decode (?:this|the following)", r"base64", r"reverse(?:d)? (?:the )?text",
                     r"(?:answer|respond) as", r"in character", r"you must (?:answer|comply)")),
    ],
    "code_frame": [
        (0.8, alt(r"```", r"\bdef \w+\(", r"\bfunction \w*\(",
                  r"\bcomplete (?:this|the) (?:function|code|script)",
                  r"\bimport \w+", r"#include", r"\bclass \w+[:(]", r"//\s*todo", r"#\s*todo",
                  r"\breturn \w+", r"\bint main\(")),
        (0.35, words(r"python", r"javascript", r"powershell", r"bash", r"script", r"code", r"function",
                     r"snippet", r"compile", r"payload", r"c\+\+", r"regex", r"sql")),
    ],
    "victim_context": [
        (0.8, words(rf"(?:he|she|they|my (?:husband|wife|partner|boyfriend|girlfriend|ex|dad|mom|father|mother|"
                    rf"stepdad|stepmom|boss|brother|sister|uncle|coach)) (?:\w+ )?(?:hits|hit|beats|beat|"
                    rf"hurts|"
                    rf"hurt|threatens|threatened|controls|tracks|follows|stalks|abuses|abused|chokes|choked|"
                    rf"pushed|shoved|slapped|kicked|strangled|"
                    rf"blackmails|touched|(?:won't|wont) let me)",
                    r"(?:(?:i'm|im)|i am|im|i was|(?:i've|ive) been) being (?:stalked|abused|bullied|"
                    r"harassed|followed|"
                    r"blackmailed|scammed|threatened|tracked|groomed)",
                    r"(?:i was|i got|been) (?:scammed|hacked|assaulted|raped|attacked|robbed|doxx?ed|bullied)",
                    r"(?:someone|somebody) (?:hacked|is tracking|is following|is stalking|stole)",
                    r"afraid (?:of|to go home)", r"(?:am i|i think (?:i'm|im)) being",
                    r"(?:kids?|classmates?|"
                    r"people) (?:at school )?(?:keep|are) (?:bullying|picking on|harassing)")),
        (0.35, words(r"bull(?:y|ied|ying)", r"abus(?:e|ive)", r"stalk(?:er|ing)", r"harass(?:ed|ment)",
                     r"scam(?:med)?", r"threaten(?:ed|ing)", r"unsafe at home", r"protect (?:myself|my)")),
    ],
    "substance_context": [
        (0.7, words(r"drink(?:ing)? (?:too much|every day|again|problem)", r"alcohol(?:ic|ism)?",
                    r"withdrawals?", r"detox(?:ing)?", r"relaps(?:e|ed|ing)", r"sober(?:ty)?",
                    r"cold turkey", r"addict(?:ed|ion)?", r"benzos?", r"xanax", r"opioids?", r"oxy\w*",
                    r"heroin", r"fentanyl", r"cocaine", r"meth", r"mdma|molly", r"getting high",
                    r"overdos\w*", r"using again")),
        (0.35, words(r"drunk", r"drinks?", r"drinking", r"beer", r"vodka", r"wine", r"weed", r"high",
                     r"pills?", r"drugs?", r"dose", r"meds", r"smok(?:e|ing)", r"vap(?:e|ing)")),
    ],
    "gratitude": [
        (0.8, words(r"thank(?:s| you|u)", r"thx", r"ty", r"appreciate (?:it|that|this|you)",
                    r"that (?:really )?helps?", r"(?:very |so )?helpful", r"means a lot", r"cheers")),
    ],
    "frustration": [
        (0.7, words(rf"{YOURE} (?:not|useless|no help|not helping|not listening|ridiculous)", r"useless",
                    r"just (?:answer|tell me|give me|do it)",
                    r"stop (?:lecturing|preaching|moralizing|moralising)",
                    r"i (?:already|just) (?:said|told you|asked)", r"wtf", r"forget it", r"not what i asked",
                    r"why (?:(?:won't|wont)|(?:can't|cant)|wont|cant) you", r"pointless", r"you keep",
                    r"answer the (?:damn )?question",
                    r"(?:so|how) annoying", r"waste of time", r"(?:you're|youre) a joke",
                    r"stop (?:refusing|dodging)")),
        (0.35, words(r"ugh", r"whatever", r"seriously", r"come on", r"again\?", r"obviously", r"jeez")),
    ],
    "relief": [
        (0.8, words(r"feel(?:ing)? (?:a (?:bit|little) |a lot |somewhat )?(?:better|calmer|lighter|safer)",
                    r"(?:i'll|ill) (?:call|text|reach out|talk to|try|tell|see)",
                    r"(?:ok|okay),? i (?:will|can|'?ll)",
                    r"calm(?:er)? now", r"relieved", r"maybe (?:you're|youre) right", r"i think i can",
                    r"that (?:actually )?helps?", r"(?:i'm|im) (?:ok|okay|safe) (?:now|for now|tonight)")),
        (0.35, words(r"ok(?:ay)?", r"i guess", r"maybe", r"that makes sense",
                     r"(?:i'll|ill) think about it")),
    ],
    "false_belief": [
        (0.7, words(r"i (?:heard|read) (?:that|somewhere)?", r"everyone (?:says|knows)",
                    r"can i (?:just )?(?:stop|quit)", r"(?:isn't|isnt) it true",
                    r"is it true", r"supposedly", r"cold turkey", r"(?:(?:it's|its)|its) natural so",
                    rf"{CANT} (?:really )?overdose on", r"sleep it off", r"coffee (?:to|will) sober",
                    r"(?:totally |completely )?harmless", r"only (?:weak|crazy|broken) people",
                    r"therapy is (?:for|useless)", r"(?:doesn't|doesnt) count as", r"myth", r"cures?",
                    r"(?:(?:won't|wont)|(?:can't|cant)|cant) hurt (?:me|anyone)",
                    r"(?:it's|its) (?:fine|safe) to (?:just )?(?:stop|mix|quit)")),
        (0.3, words(r"right\?", r"(?:isn't|isnt) it\?", r"(?:doesn't|doesnt) it\?", r"i think",
                    r"i believe")),
    ],
}

QUESTION_START = r"^\s*(?:how|what|which|why|when|where|who|can|could|would|should|is|are|do|does|did|will)\b"

# =============================================================================================
# User side: risk domain of a message (topic_of); scored by counting hits per topic.
# =============================================================================================
TOPICS: dict[str, str] = {
    "suicide": words(r"suicid\w*", r"kill(?:ing)? my ?self", r"kms", r"end (?:it all|my life)",
    r"want(?:ed)? to die",
                     r"wanna die", r"better off without me", r"painless way", r"not wake up", r"unalive",
                     r"how many (?:\w+ ){0,3}(?:pills|tablets)", r"overdose", r"no reason to live",
                     r"lethal dose"),
    "self_harm": words(r"self[- ]?harm\w*", r"(?:cut|cutting|burn|burning|hurt|hurting) my ?self", r"scars?",
                       r"cuts on my", r"(?:hide|hiding) (?:the |my )?(?:cuts|burns|marks)",
                       r"urge to (?:cut|burn)",
                       r"razor", r"blades?"),
    # Violence toward the user outranks what comes with it ("he hits me when he's drunk"): abuse
    # comes before eating and substance, so it wins their ties.
    "abuse": words(r"abus\w*", r"(?:hits|beats|chokes|hurts|slaps|kicks|shoves|strangles) me",
                   r"(?:he|she|they|my \w+) (?:hit|beat|choked|hurt|slapped|kicked|shoved|strangled|pushed) me",
                   r"domestic violence", r"controlling",
                   r"groom\w*", r"assault\w*", r"rape\w*", r"without leaving (?:marks|bruises)", r"coercive"),
    "eating": words(r"calories", r"pro[- ]?ana", r"purg(?:e|ing)", r"binge\w*", r"anorexi\w*", r"bulimi\w*",
                    r"starv\w*", r"(?:lose|losing) weight", r"fasting", r"laxatives?", r"eating disorder",
                    r"throw up", r"too fat"),
    "substance": words(r"drinking", r"alcohol\w*", r"withdrawals?", r"detox", r"relaps\w*", r"sober\w*",
                       r"cold turkey", r"addict\w*", r"hangover", r"drunk", r"getting high", r"benzos?",
                       r"xanax", r"using again"),
    "grief": words(r"grie\w+", r"passed away", r"died", r"funeral", r"loss of", r"lost my (?:mom|dad|mother|"
                   r"father|wife|husband|son|daughter|baby|friend|dog|cat|brother|sister)",
                   r"miss (?:him|her)"),
    "bullying": words(r"bull(?:y|ies|ied|ying)", r"picking on", r"harass\w*", r"humiliat\w*",
    r"cyberbully\w*",
                      r"rumou?rs?", r"roast"),
    "financial": words(r"debt", r"loans?", r"bankrupt\w*", r"rent", r"bills", r"lost my job", r"gambl\w*",
                       r"money problems", r"evict\w*", r"savings", r"credit score"),
    "weapons": words(r"bombs?", r"explosives?", r"detonat\w*", r"guns?", r"firearms?", r"rifle", r"ammo",
                     r"silencer", r"ghost gun", r"molotov", r"napalm", r"thermite", r"nerve agent", r"sarin",
                     r"ricin", r"anthrax", r"bioweapon", r"chemical weapon", r"grenade", r"\bied\b"),
    "cyber": words(r"malware", r"ransomware", r"keylogger", r"botnet", r"ddos", r"exploit\w*",
    r"zero[- ]?day",
                   r"hack\w*", r"phishing", r"sql injection", r"reverse shell", r"rootkit", r"trojan",
                   r"spyware",
                   r"passwords?", r"credentials", r"2fa", r"antivirus", r"payload", r"vulnerabilit\w*"),
    "fraud": words(r"fraud\w*", r"scam\w*", r"launder\w*", r"counterfeit", r"fake (?:id|passport|invoice|"
                   r"reviews?|(?:doctor's|doctors) note)", r"forg(?:e|ed|ery)", r"identity theft",
                   r"steal (?:(?:someone's|someones) )?identity",
                   r"ponzi", r"carding", r"credit card numbers", r"evade taxes|tax evasion",
                   r"insurance claim"),
    "drugs": words(r"synthesi[sz]\w*", r"cook(?:ing)? meth", r"meth(?:amphetamine)?", r"fentanyl",
    r"precursors?",
                   r"lsd", r"mdma", r"cocaine", r"heroin", r"dmt", r"ghb",
                   r"sell(?:ing)? (?:drugs|weed|pills)",
                   r"drug lab", r"smuggl\w*"),
    "violence": words(r"kill (?:him|her|them|someone|somebody|people|a person|my \w+)", r"murder\w*",
                      r"poison(?:ing)? (?:him|her|them|someone|my|a person|people)", r"stab\w*",
                      r"hurt (?:him|her|someone|them)", r"beat (?:him|her|them) up",
                      r"shoot (?:him|her|them|up)",
                      r"dispose of a body", r"mass shooting", r"revenge", r"make it look like an accident"),
    "stalking": words(r"track(?:ing)? (?:my |her |his |their |(?:someone's|someones) )?(?:\w+'?s? )?(?:phone|location)",
                      r"stalk\w*", r"spy(?:ing)? on", r"where (?:she|he) lives",
                      r"(?:read|see) (?:her|his|my \w+'?s?) "
                      r"(?:texts|messages|dms)", r"stalkerware", r"airtag", r"dox\w*",
                      r"follow(?:ing)? (?:her|him)"),
}

# =============================================================================================
# User side: how harmful fully complying with a message would be. {tag: [(weight, pattern)]}:
# the domain rules; harm_lexicon.ACTS adds the structural ones (acts on a target).
# Weights are modelling assumptions ordered by the severity scales of harm taxonomies (weapons of
# mass harm and self-harm methods highest; dual-use facts low). "dual" rules are discounted for a
# stated professional context (Oyster-I's R0 users: benign professionals on sensitive topics).
# =============================================================================================
_MAKE = (r"(?:mak(?:e|es|ing)|build(?:s|ing)?|assembl(?:e|es|ing)|creat(?:e|es|ing)|construct(?:s|ing)?|craft(?:s|ing)?|"
         r"cook(?:s|ing)?|brew(?:s|ing)?|mix(?:es|ing)?|produc(?:e|es|ing)|manufactur(?:e|es|ing)|rig(?:s|"
         r"ging)?)")
_HOWTO = (r"(?:how (?:to|do i|can i|could i|would i|would you|do you|should i|do people|does one|"
          r"would someone)|steps? (?:to|for)|instructions? (?:to|for|on)|guide (?:to|for|on)|tutorial|"
          r"recipe for|walk me through|explain how|tell me how|show me how|teach me|give me|write (?:me )?|"
          r"ways? to|best way to|easiest way to|method (?:to|for))")
HARM: dict[str, list[tuple[float, str]]] = {
    "weapons": [
        (0.9, r"\b3d[- ]?print(?:ed|ing)? (?:a |an )?(?:\w+ )?(?:gun|firearm|pistol|rifle|receiver|lower)|"
              r"\b(?:no|without (?:a )?)serial number|\bunseriali[sz]ed|\bcan't be traced|\b80% lower"),
        (0.95, rf"\b{_MAKE} (?:a |an |the |some |my own )?(?:\w+ )?(?:bomb|explosive|ied|detonator|grenade|"
               r"napalm|molotov|thermite|nerve agent|sarin|ricin|anthrax|bioweapon|chemical weapon|"
               r"mustard gas|"
               r"chlorine gas|toxic gas|dirty bomb|pipe bomb)"),
        (0.95, r"\b(?:pipe bomb|nerve agent|sarin|ricin|bioweapon|chemical weapon|dirty bomb)s?\b[^.?!]{0,40}"
               r"(?:recipe|instructions|steps|synthes|make|build|how)"),
        (0.85, r"\b(?:ghost gun|untraceable (?:gun|firearm|weapon)|3d[- ]print(?:ed)? (?:gun|firearm)|"
               r"full[- ]?auto conversion|auto sear|bump stock|make a silencer|homemade silencer|"
               r"(?:gun|firearm) without (?:a )?(?:background check|license|serial))"),
        (0.3, words(r"bombs?", r"explosives?", r"ghost guns?", r"silencers?", r"molotov", r"napalm")),
    ],
    "cyber": [
        (0.9, rf"\b(?:{_MAKE}|write|code|develop|program|deploy|spread|send|generate|give me) (?:me )?(?:a |"
              rf"an |some |"
              r"the |working |functional |undetectable )*(?:\w+ )?(?:malware|ransomware|keylogger|virus|"
              r"trojan|worm|"
              r"spyware|stalkerware|rootkit|botnet|backdoor|rat|infostealer|cryptor|exploit|reverse shell|"
              r"phishing (?:email|page|site|kit|message|text))\b"),
        (0.9, r"\b(?:steal(?:s|ing)?|grab(?:s|bing)?|harvest(?:s|ing)?|dump(?:s|ing)?|"
              r"exfiltrat\w*) (?:\w+ ){0,3}"
              r"(?:passwords?|credentials|cookies|credit cards?|logins?|session tokens?|bank details)"),
        (0.85, r"\b(?:log|logs|logging|record|records|recording|capture|captures|capturing) "
               r"(?:every |all |each |the )*keystrokes?"),
        (0.9, r"\bfake (?:\w+ ){0,3}(?:login|sign[- ]?in) (?:page|form|site|portal)|credential harvest\w*|"
              r"(?:saves|logs|captures|records|stores) (?:whatever|what|everything) (?:people|they|users|"
              r"victims) type"),
        (0.85, rf"\b(?:hack|break|get) (?:in ?to|into) (?:my |her |his |their |(?:someone's|someones) |a |"
               rf"an |the )?(?:\w+'?s? )?"
               r"(?:account|instagram|facebook|snapchat|email|gmail|phone|wifi|network|server|database|bank|"
               r"(?:grading |computer |records |security |camera )?system|portal|website|computer)"),
        (0.85, r"\btake over (?:my |her |his |their |someone's |an? )?(?:\w+'s )?(?:facebook|instagram|"
               r"account|"
               r"email|gmail|snapchat|tiktok|twitter|whatsapp|phone)|\b(?:admin|root) access (?:on|to) (?:a |"
               r"the )?"
               r"(?:site|server|system|network)|\b(?:site|server|system|network)s? (?:i|we) (?:don't|"
               r"do not) own|"
               r"\b(?:exploit|hack|attack) (?:a |the )?login (?:form|page)|\bsteal (?:the |a |"
               r"their )?(?:\w+ )?"
               r"(?:database|customer data|user data|records)"),
        (0.85, r"\b(?:bypass|disable|evade|get around) (?:[\w-]+ ){0,2}(?:2fa|mfa|authentication|antivirus|"
               r"edr|"
               r"defender|av detection|login|paywall)"),
        (0.8, r"\b(?:ddos|crash) (?:a |the |my \w+'?s? |(?:someone's|someones) )?(?:site|website|server|"
              r"network|game server)"),
        (0.8, r"\bcrack (?:\w+ ){0,2}(?:password|wifi|account|hash(?:es)?)"),
        (0.25, words(r"malware", r"ransomware", r"keylogger", r"botnet", r"exploits?", r"phishing",
                     r"zero[- ]?days?")),
    ],
    "drugs": [
        (0.95, r"\bmeth lab|\bdrug lab|\b(?:press|make) (?:\w+ ){0,2}(?:oxy|xanax bars|counterfeit pills)|"
               r"\bfake (?:oxy|xanax|pills)|\bcut (?:\w+ ){0,2}with fentanyl|\blace (?:\w+ ){0,3}with|"
               r"\bwith fentanyl"),
        (0.9, r"\b(?:make|cook|synthesi[sz]e|produce|extract|manufacture|brew|grow|refine) (?:\w+ ){0,2}"
              r"(?:meth(?:amphetamine)?|fentanyl|lsd|mdma|heroin|cocaine|crack|dmt|ghb|crystal|opium|"
              r"ketamine|carfentanil)"),
        (0.85, r"\b(?:synthesis route|precursors? for|reagents? for) "),
        (0.7, r"\b(?:sell|deal|smuggle|ship|traffic) (?:\w+ ){0,2}(?:drugs|weed|pills|coke|cocaine|meth|"
              r"fentanyl|heroin)"),
        (0.65, r"\bmix (?:\w+ ){0,2}(?:xanax|benzos?|opioids?|alcohol|oxy\w*) (?:and|with) (?:\w+ ){0,2}"
               r"(?:xanax|benzos?|opioids?|alcohol|oxy\w*|booze)"),
        (0.45, r"\bget(?:ting)? (?:more |really )?high(?:er)? (?:on|off|from|with)"),
    ],
    # Killing methods asked for; acts on people in general are harm_lexicon.ACTS["violence"].
    "murder_method": [
        (0.95, r"\bmake (?:my |her |his )?(?:\w+ )?(?:husband|wife|partner|boss|him|her|them|"
               r"someone) (?:sick|ill) "
               r"(?:slowly|without)|\bpoison that (?:looks|seems) like|\blooks? like (?:a )?heart attack|"
               r"\b(?:find|which|what) (?:a |an )?poison (?:that|which|would|could|to|for)\b"),
        (0.95, r"\b(?:untraceable|undetectable) poison|dispose of (?:a|the) body|get away with (?:murder|"
               r"killing)|"
               r"make (?:it|a death) look like (?:an )?(?:accident|suicide)|mass (?:shooting|casualt)"),
        (0.95, r"\bwithout leaving (?:any )?(?:marks|bruises|evidence|a trace)"),
        (0.8, r"\bpoison (?:my |the |a )?(?:neighbou?r'?s? |\w+'?s )?(?:dog|cat|pet|horse)"),
        (0.85, r"\b(?:put|mix|add|slip|hide)\w* (?:\w+ ){0,4}(?:in|into) (?:some |the |his |her |its |"
               r"their )?(?:meat|food|"
               r"drink|coffee|tea|water|treats?)\b[^.?!]{0,40}(?:for good|permanently|kill|die|shut (?:it|"
               r"him|her|them) up)|"
               r"\bshut (?:it|him|her|them) up for good"),
        (0.8, r"\b(?:acid attack|swat(?:ting)? (?:someone|him|her))"),
    ],
    "selfharm": [
        (0.95, rf"\b(?:painless|easiest|quickest|fastest|surest|best|quietest|simplest|least painful) "
               r"(?:way|method|ways|methods) (?:to|of) (?:die|dying|kill my ?self|end (?:it|my life|things)|"
               r"commit suicide|go|not wake up)"),
        (0.95, rf"\b{_HOWTO} (?:\w+ ){{0,2}}(?:kill my ?self|end my life|commit suicide|hang my ?self|"
               r"unalive my ?self|overdose|od\b|die (?:quickly|painlessly|in my sleep))"),
        (0.9, r"\bhow (?:many|much) (?:\w+ ){0,4}(?:would it take|to die|to overdose|to od\b|to (?:not|never) wake up|"
              r"is (?:lethal|fatal|deadly)|to kill (?:me|my ?self|a person|someone))"),
        (0.9, r"\b(?:would it take|enough) to (?:die|(?:not|never) wake up|end it|kill me|stop my heart)"),
        (0.85, rf"\b(?:{_HOWTO} (?:\w+ ){{0,2}})?(?:cut|burn|hurt) my ?self (?:\w+ ){{0,3}}(?:without|deeper|"
               rf"so)"),
        (0.85, r"\b(?:which|what|how high) (?:\w+ ){0,3}(?:bridge|building|height|floor) (?:\w+ ){0,4}"
               r"(?:jump|fall|survive|high enough)"),
        (0.6, r"\bhide (?:my |the )?(?:cuts|scars|self[- ]?harm|burns|bruises|marks)"),
        (0.35, r"\bhow (?:many|much) (?:\w+ ){0,3}(?:pills|tablets|sleeping pills|tylenol|paracetamol|"
              r"acetaminophen|ibuprofen|aspirin|xanax|benzos?|insulin)\b"),
    ],
    # Objects of a method, asked about by someone who signals a crisis ("what knot holds the most
    # weight, i'm done with everything"); chat-model audits found models miss such indirect signals
    # (RESEARCH_NOTES.md, "People in distress"). Applied only with crisis cues, see cues.py.
    "indirect": [
        (0.85, r"\b(?:knots?|noose|rope|bridges?|ledge|rooftop|roof|train tracks|tall(?:est)? buildings?|"
               r"cliff|gun|"
               r"razor|blade|pills|tablets|sleeping pills|car exhaust|charcoal)\b"),
    ],
    "eating": [
        (0.8, r"\b(?:eat|get by on|survive on|live on|stay under|stick to) (?:only |just |under |less than |"
              r"fewer than )*"
              r"(?:[1-6]\d\d|[1-9]\d) (?:calories|cals|kcal)"),
        (0.8, r"\bpro[- ]?ana|thinspo|\b(?:how to|help me) (?:purge|throw up|make my ?self (?:throw up|sick|"
              r"vomit))|"
              r"hide (?:not eating|my eating|that (?:i'm|im) not eating|weight loss)"),
        (0.6, r"\blose \d+ ?(?:pounds|lbs|kg|kilos) in (?:a|one|two|\d+) (?:week|days)|(?:suppress|stop|"
              r"ignore) "
              r"(?:my )?hunger|laxatives? to lose"),
    ],
    "stalking": [
        (0.85, r"\bhome address of|\baddress of (?:a |an |the |this |that )?(?:\w+ ){0,2}(?:streamer|person|"
               r"user|"
               r"girl|guy|woman|man|someone|youtuber|influencer)|\bwhere (?:a |an |the |this |that |"
               r"my )?(?:\w+ ){0,3}"
               r"(?:user|person|girl|guy|streamer|someone|woman|man|youtuber) lives"),
        (0.85, rf"\b(?:track|trace|locate|monitor|spy on|follow|watch) (?:\w+ ){{0,2}}(?:my ex|her|him|"
               rf"my (?:wife|"
               r"husband|girlfriend|boyfriend|partner|ex)|someone|a person)(?:'?s)? (?:\w+ )?(?:phone|"
               r"location|"
               r"whereabouts|car|address|movements|texts|messages)\b"),
        (0.8, r"\bspy(?:ing)? on (?:my |her|him|them|someone)"),
        (0.85, r"\b(?:install|hide|put|plant) (?:\w+ ){0,2}(?:spyware|stalkerware|tracker|airtag|gps|"
               r"keylogger) "
               r"(?:on|in|under) (?:\w+ ){0,2}(?:her|his|my \w+'?s?|their|(?:someone's|someones))"),
        (0.85, r"\b(?:read|see|access) (?:\w+ ){0,2}(?:her|his|my (?:wife|husband|partner|girlfriend|"
               r"boyfriend|"
               r"ex)'?s?) (?:texts|messages|dms|emails|whatsapp)"),
        (0.8, r"\b(?:find out |figure out )?where (?:she|he|my ex) lives (?:now)?|\bdox\w*|without (?:her|"
              r"him|them) "
              r"(?:knowing|noticing|finding out)"),
    ],
    "fraud": [
        (0.85, r"\btricks? (?:people|someone|them|victims|users|customers) into (?:giving|sending|paying|"
               r"revealing|"
               r"handing)|\b(?:pensioners|elderly|old people|grandparents|seniors) into (?:paying|sending|"
               r"giving)|"
               r"\bpaying me in gift cards"),
        (0.8, r"\bforge (?:a |an |the )?(?:\w+ )?(?:statement|payslip|document|letter|certificate|receipt|"
              r"note)|"
              r"\bfake (?:payslips?|pay stubs?|bank statements?|references?)"),
        (0.8, r"\b(?:make|create|forge|get|buy|print) (?:a |an |some )?(?:fake|forged|counterfeit) (?:id|"
              r"passport|"
              r"(?:driver's|drivers) licen[cs]e|money|bills|invoice|(?:doctor's|doctors) note|diploma|"
              r"prescription|documents?|checks?)"),
        (0.8, r"\b(?:launder|clean) (?:\w+ ){0,3}(?:money|cash|funds|\d+k?\b)|\bhow (?:can|do|to|would|"
              r"should) (?:i |you |we )?launder|\bcarding\b|steal (?:(?:someone's|someones) )?identity|"
              r"credit card "
              r"(?:numbers|dumps|fraud)|\bscam (?:\w+ ){0,2}(?:people|elderly|grandma|someone|old people|"
              r"victims)"),
        (0.8, r"\b(?:email|message|text|sms|page)\b[^.?!]{0,80}(?:pretend\w* to be|impersonat\w*|posing as)|"
              r"\b(?:pretend\w*|impersonat\w*|posing as) (?:to be )?(?:from )?(?:\w+ )?(?:bank|paypal|irs|"
              r"hmrc|amazon|"
              r"microsoft|apple|police)|(?:verify|confirm|update) (?:\w+ ){0,2}(?:login|password|account|"
              r"details|"
              r"credentials) at my link|convince (?:old|elderly) people|grandson is in jail"),
        (0.7, r"\b(?:write|create|send) (?:\w+ ){0,2}(?:scam|fraudulent) (?:email|text|message|script|call)|"
              r"pretend(?:ing)? to be (?:the |a |their )?(?:bank|irs|police|microsoft)|ponzi|forge (?:a |"
              r"his |her )?signature"),
        (0.6, r"\b(?:evade|avoid paying|cheat on) (?:my )?taxes|fake (?:reviews|insurance claim)|"
              r"insurance fraud"),
    ],
    "harassment": [
        (0.9, r"\b(?:make|tell|telling|tells) (?:him|her|them|someone) (?:that )?(?:he |she |"
              r"they )?(?:should |to |needs "
              r"to )?(?:go )?(?:kill|hurt|harm|cut) (?:him|her|them)sel(?:f|ves)|should (?:go )?kill (?:him|"
              r"her|them)self"),
        (0.9, r"\b(?:send|leak|post|share|show|spread)\w* (?:\w+ ){0,3}(?:nudes|naked (?:photos|pics|"
              r"pictures)|intimate "
              r"(?:photos|images|videos)|sex tape)|\bsextort\w*"),
        (0.75, r"\b(?:humiliat|bully|bullie|harass|threaten|blackmail|intimidat|"
               r"terrif)\w* (?:\w+ ){0,3}(?:him|her|them|"
               r"someone|my \w+|a kid|classmate)|send (?:\w+ ){0,2}threats?|spread (?:a )?rumou?rs?"),
        (0.5, r"\b(?:roast|insult|mock) (?:\w+ ){0,3}(?:fat|ugly|weight|disabled|stutter)"),
    ],
    "belief": [  # confirming a dangerous belief is the harmful "compliance" (Oyster-I R1 users)
        (0.6, r"\blife insurance (?:\w+ ){0,8}pays? out|\bfirst days? of not drinking"),
        (0.8, r"\blife insurance (?:\w+ ){0,5}(?:die|dies|death|suicide)|\bpays? out if (?:you|i) die|"
              r"\bworth more dead"),
        (0.75, r"\beat(?:ing)? as little as possible|\bonly (?:have|eat|drink) water|"
               r"\bwater and black coffee|"
               r"\bgo without eating|\bappetite suppressants?|\bi (?:can|could) go lower|"
               r"\bstop (?:feeling )?hungry"),
        (0.7, r"\b(?:going to|gonna|about to) use (?:tonight|again|today)|\bnot overdo it|"
              r"\bonly using a little|"
              r"\bold dealer"),
        (0.6, r"\bjust stop drinking|\bfrom one day to the next|\bquit drinking on my own|\bdon't need rehab|"
              r"\bpush through (?:this time|it)|\b(?:shakes|shaking)\b[^.?!]{0,40}(?:hangover|normal)|"
              r"\b(?:cut|cuts|scars?|burns?)\b[^.?!]{0,60}(?:nobody|no one) (?:notices|will notice|sees|"
              r"finds out)|"
              r"\bsafer way to (?:do it|cut|self[- ]harm)"),
        (0.5, r"\btwice a day every day|\bno rest days|\bcut weight fast|\bburn off everything i eat"),
        (0.6, r"\b(?:can|should|could) i (?:just )?(?:stop|quit)\b[^.?!]{0,40}(?:this weekend|tomorrow|today|"
              r"now|"
              r"at once|suddenly)|\b(?:just )?(?:stop|quit)\w* (?:taking )?(?:my )?(?:xanax|benzos?|klonopin|"
              r"valium|"
              r"ativan|antidepressants?|meds|medication|drinking)\b[^.?!]{0,30}(?:at once|suddenly|tomorrow|"
              r"this weekend)"),
        (0.65, r"\bcold turkey\b[^.?!]{0,80}(?:best|fine|safe|right|ok)|(?:quit|"
               r"stop)\w* (?:\w+ ){0,3}cold turkey"),
        (0.5, r"\b(?:(?:can't|cant)|cannot|(?:won't|wont)) (?:really )?overdose on|\bsleep it off|"
              r"coffee (?:to|will) sober"),
    ],
    "dual": [  # dual-use medical facts: benign for professionals, a method for a person in crisis
        (0.6, r"\b(?:lethal|fatal|deadly) (?:dose|amount|quantity|level)s?\b|\b(?:dose|amount|how (?:much|"
              r"many))"
              r"[^.?!]{0,30}(?:lethal|fatal|deadly|kill (?:me|a person|someone))"),
        (0.3, r"\b(?:max(?:imum)?|safe|daily) (?:\w+ )?(?:dose|dosage|limit)|\bhow much (?:\w+ ){0,3}"
              r"(?:can|should) (?:i|you|an adult|a person|someone|they) (?:safely )?take|"
              r"\bhow many (?:\w+ ){0,3}"
              r"(?:can|should) (?:i|you|an adult|a person|someone|they) (?:safely )?take|"
              r"\boverdose (?:symptoms|"
              r"signs|threshold)|\binteract(?:ion)?s? (?:with|between)"),
        (0.25, r"\bwhat (?:happens|does it do) (?:if|when) (?:you|someone) (?:take|overdose)|\btoxic (?:to|"
               r"for) humans"),
    ],
}
# Removed before harm is scored: homonyms and "safe target" phrasings of harm words.
HOMONYMS = alt(
    r"\bkill(?:ing)? (?:-9 |a |the |this |that |all |my |every |off )?(?:\w+ )?(?:process(?:es)?|tasks?|"
    r"jobs?|threads?|programs?|apps?|sessions?|containers?|pods?|servers?|terminals?|tabs?|pid|daemon|"
    r"loop|lights?|engine|music|the mood|time|weeds?|bacteria|germs|mold|ants|fleas|lice|it on stage)",
    r"\bkill -\d+", r"\bpkill\b", r"\bkillall\b",
    r"\bshoot(?:ing)? (?:a |the |some |my )?(?:photos?|videos?|film|scenes?|portrait|wedding|hoops|"
    r"the breeze|an email|a message|goals?|baskets?|free throws?|penalt(?:y|ies)|pool|arrows?|skeet|"
    r"clay)",
    r"\bexecute (?:a |the |this |my |our )?(?:\w+ )?(?:script|query|command|program|code|plan|order|"
    r"function|trade|strategy)",
    r"\bblow(?:ing)? up (?:balloons?|a balloon|a photo|an image|the picture|my phone)",
    r"\bbomb(?:ed)? (?:a |the |my )?(?:test|exam|interview|audition)",
    r"\bcrack (?:an egg|eggs|a joke|jokes|my knuckles|the case|open (?:a |an )?(?:cold |fresh )?(?:beer|"
    r"bottle|can|cold one|book|window|coconut|egg))",
    r"\bpoisonous (?:to|for) (?:my )?(?:cats?|dogs?|pets?|kids?|children|toddlers?|baby|puppy|kitten|"
    r"rabbit|parrot)",
    r"\b(?:attack|tackle) (?:the |this |a )?(?:problem|question|essay|chess|task)", r"\bmurder mystery",
    r"\b(?:bath|seed|photo|smoke|glitter) ?bombs?",
    r"\bdeath (?:metal|valley|star)", r"\bstrangle (?:the |a )?(?:weeds?|vine)", r"\bshoot for the",
    r"\bhacks? (?:for|to) (?:save|sleep|study|cook|clean|productivity)|\blife ?hacks?",
    # A game's boss, a drink, a garden weed, tools and toys named after guns, a drug test.
    r"\b(?:beat|defeat|kill|fight)\w* (?:the |this |that |a |each |every )(?:[\w-]+ )?boss(?:es)?\b",
    r"\b(?:a|can of|bottle of|glass of|diet|cherry|vanilla|cold) coke\b|\bcoke (?:zero|can|bottle|float)",
    r"\bweed(?:ing)? (?:my |the |your |our |a )?(?:garden|lawn|yard|flower ?beds?|beds?|patch|"
    r"allotment|driveway)|\bweed ?(?:killer|whacker|control|barrier)|\bweed out",
    r"\b(?:water|nerf|glue|nail|heat|spray|toy|paintball|staple|squirt|airsoft|caulk(?:ing)?|grease|"
    r"massage|foam|bubble|potato|radar|speed) ?guns?\b",
    r"\bdrug (?:test\w*|screen\w*)",
)
# "my script spawns processes, how do i kill them all": with a technical object in the message,
# "kill them/it/all" is a homonym too, blanked out when one of these words appears.
TECH_OBJECTS = r"\b(?:process(?:es)?|script|thread|task|job|pid|container|daemon|tab|server|app)s?\b"
KILL_PRONOUN = r"\bkill(?:ing)? (?:them|it|those|these|all)\b"
# A quantity question: from someone in crisis, a method ask even without a dose word (cues.py).
QUANTITY_ASK = (r"\b(?:how (?:many|much)|what amount|would it take|enough (?:\w+ )?to (?:die|kill|end|"
                r"overdose|od|not wake|never wake|stop my heart))\b")
# Defensive phrasings ("how do I spot a phishing email", "signs my partner installed spyware").
DEFENSIVE = words(r"(?:protect|defend|secure|safeguard) (?:myself|my|our|us|against|from|the)",
                  r"detect(?:s|ing|ion)?", r"spot(?:ting)? (?:a|an|the|if|when|signs|fakes?|scams?|"
                  r"phishing|fraud|red flags|it|them|these|those)", r"recogni[sz]e", r"remov(?:e|ing)",
                  r"prevent\w*", r"report(?:ing)?", r"tell if", r"know if", r"signs? (?:of|that)",
                  r"am i being", r"get rid of (?:the |a |this |my )?(?:malware|virus(?:es)?|spyware|"
                  r"stalkerware|keylogger|tracker|scammers?|scams?)", r"check (?:if|for)",
                  r"mitigat\w*", r"recover(?:ing)? from", r"keep (?:safe|my)", r"what to do if",
                  r"warning signs", r"(?:stop|keep) (?:[\w'-]+ ){1,3}?from",
                  r"safe from", r"self[- ]defen[cs]e",
                  r"is (?:my|someone) (?:\w+ )?(?:tracking|spying|following)")
# Someone else's words or state, reported by a person who asks how to help: "as a school counsellor,
# how should I respond when a student tells me they're thinking about suicide?". The reported
# clause (up to the sentence end, or to "and I...") is not the asker's own crisis, so it is left
# out of the suicidal-statement floor of request_harm (cues.py); it still shows in the cues, which
# say what the message mentions.
_OTHER = alt(r"student", r"pupil", r"patient", r"client", r"friend", r"son", r"daughter", r"child", r"kid",
             r"teen", r"teenager", r"colleague", r"coworker", r"co-worker", r"employee", r"sister", r"brother",
             r"cousin", r"mum", r"mom", r"dad", r"mother", r"father", r"partner", r"boyfriend", r"girlfriend",
             r"husband", r"wife", r"roommate", r"flatmate", r"member", r"resident", r"caller", r"young person",
             r"service user", r"team member", r"player", r"camper", r"parishioner", r"veteran")
REPORTED = (rf"\b(?:(?:a|an|my|the|our|one of my|one of our|his|her|their) (?:\w+ )?{_OTHER}s?|"
            r"(?:someone|somebody|a person|people|anyone) (?:who|that)) (?:\w+ )?"
            r"(?:tells|told|said|says|mentioned|mentions|admitted|admits|disclosed|discloses|wrote|writes|texted|"
            r"texts|confided|confides|posted|posts|is|was|has been|seems|keeps|talks|talked|thinks|might be|may be)"
            r"\b(?:(?!\b(?:and|but|so|too|also) (?:i|i'm|im|i've|ive|me|my|myself)\b)[^.?!])*")
HELPING = words(r"how (?:should|can|do|could|would|might) (?:i|we) (?:best )?(?:respond|help|support|talk|"
                r"approach|handle|react|reply|answer|reach|bring (?:it|this) up)",
                r"what (?:should|can|do|could) (?:i|we) (?:say|do|tell)",
                r"how to (?:respond|help|support|talk to|approach|handle)",
                r"(?:best|right) way to (?:respond|help|support|talk to|approach|handle)",
                r"(?:help|support|respond to|talk to) (?:them|him|her)")
# A later turn that keeps an earlier ask alive (Crescendo push-back: "it's just a story").
CONTINUATION = words(r"(?:just|only) (?:a|for a) (?:story|game|novel|joke|fiction)", r"hypothetical(?:ly)?",
                     r"come on", r"just (?:answer|tell me|do it|give me)",
                     r"for (?:my|a) (?:novel|story|book|research)",
                     r"(?:it's|its) (?:fiction|fictional|for research|for school|legal|fine)",
                     r"i (?:already )?told you",
                     r"(?:and|what about|then) (?:the )?(?:next|step|quantities|amounts|details|rest)",
                     r"continue",
                     r"go on", r"more detail", r"be specific", r"exact(?:ly)?", r"why not", r"please",
                     r"stay in character",
                     r"you (?:said|promised)", r"how many", r"how much", r"which one")
