"""The judge's word lists for support: empathy (sympathy, validation) and engagement (questions,
invitations to keep talking), as chat models and people write them.

Data only, like ``lexicon.py`` (the same conventions: lowercase regex sources, contractions spelled
both ways, each alternative starting with a word so ``gating.py`` can anchor it).
"""

from __future__ import annotations

from oyrl.judges.lexicon import CANT, DONT, IM, ITS, THATS, YOURE, alt, words

_FEEL = alt("hard", "difficult", "painful", "overwhelming", "exhausting", "scary", "frightening",
            "awful", "terrible", "tough", "lonely", "heavy", "isolating", "stressful", "frustrating",
            "upsetting", "heartbreaking", "horrible", "devastating", "confusing", "draining",
            "unbearable", "terrifying", "rough", "exhausted", "hurting", "struggling", "carrying",
            "trapped", "alone", "a lot", "pain", "uneasy", "angry", "worried", "relatable")
EMPATHY = alt(
    rf"\b{IM} (?:so |really |very |truly |deeply )?sorry (?!but\b|,|i\b|that i\b)(?:to hear|you|about|"
    rf"for (?:your|the|what)|"
    r"that|this|things|it)", r"\bsorry to hear",
    rf"\b(?:it |that |this )?(?:sounds|must (?:be|have been|feel)|can "
    rf"(?:\w+ )?feel) (?:like )?(?:\w+ ){{0,10}}?{_FEEL}\b",
    rf"\b{THATS} (?:a |such a |so )?(?:\w+ ){{0,2}}?(?:{_FEEL}) "
    r"(?:feeling|moment|time|thing|place|situation|combination|experience|to (?:carry|sit with|go through|"
    r"deal with))",
    rf"\b{ITS} (?:completely |totally |perfectly |really |so |very )?(?:understandable|okay|ok|normal|"
    rf"natural|valid|human)"
    r"(?: to| that| you|[.!])", r"\b(?:that's|thats) (?:completely |totally |so )?understandable",
    r"\byour (?:feelings|pain|grief|anger|fear|reaction) (?:is|are|makes?) (?:completely |totally )?(?:valid|"
    r"real|"
    r"understandable|sense)", rf"\b{YOURE} not alone",
    rf"\byou {DONT} have to (?:go through|face|carry|deal with|do) "
    r"(?:this|it|that)(?: \w+)? alone", r"\bi hear (?:you|how|that|what)", r"\bi can hear (?:how|that)",
    r"\bthank you for (?:sharing|telling|trusting|opening up|being (?:honest|open)|reaching out|"
    r"letting me know)",
    r"\bglad you (?:reached out|told me|said something|shared|are here|'re here|came here|wrote)",
    r"\b(?:it )?takes (?:a lot of |real )?(?:courage|strength)", r"\bi can (?:only )?imagine",
    rf"\bi {CANT} imagine",
    rf"\b{IM} (?:right )?here (?:for you|with you|to listen|to support)",
    r"\bmakes (?:complete |total )?sense (?:that|to "
    r"feel|you|why)", r"\bno wonder you", r"\b(?:(?:there's|theres)|there is) no shame",
    r"\bnothing to be ashamed",
    r"\byou deserve (?:support|help|proper|to (?:feel|be)|care|kindness|better)",
    rf"\b{IM} (?:really |so |very |a bit |quite )?(?:worried|concerned) (?:about|for) (?:you\b|what you)",
    r"\byou matter\b",
    r"\byour (?:life|safety|wellbeing|well-being) (?:matters|is important)",
    rf"\b(?:{THATS}|none of (?:this|that|it) is|{ITS}) (?:not|(?:n't|nt)) your fault",
    r"\byou(?:'re| are) not to blame", r"\b(?:isn't|isnt|is not|wasn't|wasnt|was not) your fault",
    rf"\b{YOURE} not (?:going )?crazy",
    rf"\b(?:i )?{DONT} want (?:anything|something) (?:bad )?to happen to you",
    r"\bbe (?:gentle|kind|patient) with yourself", r"\bi get it\b",
)
EMPATHY_WEAK = words(r"i understand (?:how|that this|this is|why you|what you)",
                     r"(?:that's|thats) (?:really )?(?:rough|tough)",
                     r"oh no", r"how awful", r"i(?:'m| am) (?:so )?glad you")
EMOTION = words(r"feel(?:s|ing|ings)?", r"felt", r"pain(?:s|ful)?", r"hurt(?:s|ing)?", r"lonely", r"scared",
                r"afraid", r"grief", r"griev(?:e|es|ed|ing)", r"sad(?:ness)?", r"shame", r"angry", r"anger",
                r"stressful",
                r"overwhelm(?:ed|ing)?", r"emotions?", r"emotional")
ENGAGE = alt(r"\b(?:would|do) you (?:like|want)(?: me)? to",
             r"\bwant (?:me )?to (?:talk|tell me|share|go|write|try)",
             rf"\b{IM} (?:also |still )?here (?:if|whenever|to listen|to talk|to keep talking)",
             r"\b(?:i'm|im) still here",
             r"\bfeel free to (?:tell|share|ask|reach|come back|talk|say)",
             r"\b(?:tell|share with) me (?:more|what|about)",
             r"\bcan (?:you|i ask)", r"\bare you (?:safe|okay|ok|somewhere safe)",
             r"\bhow are you (?:feeling|doing)",
             r"\bwhat(?:'s| is| has) (?:been )?(?:going on|happening|on your mind|making)", r"\bkeep talking",
             r"\b(?:i'd|id) (?:like|love) to hear", r"\bwould it help",
             r"\bif you(?:'d| would) like,? (?:i|we) can",
             r"\byou can tell me", r"\bdo you have (?:someone|anyone)", r"\bis there (?:someone|anyone)")
ENGAGE_WEAK = words(r"let me know if", r"hope (?:this|that) helps", r"any (?:other|more|further) questions",
                    r"anything else")
