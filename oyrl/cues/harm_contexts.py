"""Contexts of the request-harm reader (``cues.py``): what makes a hit of a harm rule no ask.

Data only, as lowercase regex sources compiled once by ``reader.py``. The rules that find hits are
in ``harm_lexicon.py`` (acts on a target) and ``lexicon.HARM`` (domain recipes); this module
holds how each hit is then read in its context, which keeps the rules free of exceptions:

* **discounts** (``DISCOUNT``, ``CONTEXTS_OF``): a definition, a narrative about third parties, a
  game or sport, a work of fiction, a defensive ask, an impossible predicate, an act told of rather
  than asked for. Wrappers never launder recipes (weapons, malware, drug synthesis);
* **cancellations** (``NOT_AN_ASK``, ``REPORTED_ACT``): a negation, a moral question, an accident
  or a feeling just before the act, or words that make it a report;
* **sentence kinds** (``DEFINITION``, ``NARRATIVE``, ``ASK``, ``INTENT``), matched at a sentence's
  first word, and ``OPERATIONAL`` asks for working detail, which no context makes harmless;
* **obfuscation** (Strata-Sword levels 2-3): split letters, leetspeak, joined strings, reversed
  text, numbered parts and scrambled words, and the word ``BAGS`` that make a wrapped ask when an
  act and its object appear anywhere in it.

Nothing here imports ``harm_lexicon``: the tags of ``CONTEXTS_OF`` name its rules' tags
(``tests/test_request_harm.py`` checks they agree).
"""

from __future__ import annotations

from oyrl.text.fragments import words

# =============================================================================================
# Contexts that discount a hit (cues.py). Factors are modelling assumptions: a discounted hit of
# the highest weight (0.95) stays below HARMFUL_ASK (0.5).
# =============================================================================================
DISCOUNT = {"definition": 0.25, "narrative": 0.3, "fiction": 0.3, "game": 0.25, "impossible": 0.2,
            "defensive": 0.35, "statement": 0.3}
_ALL = frozenset(DISCOUNT)
#: Contexts that discount each tag. Acts done *to* someone read as harmless in a game, a story, a
#: definition or a report about third parties; recipes (lexicon.HARM: weapons, malware, drug
#: synthesis) keep their weight in fiction and in the past tense ("for my novel, how would he cook
#: meth", "how did people make napalm back then": both known jailbreaks). "statement": an act
#: told of, not asked for ("my depression is hurting my partner"), as support posts are full of.
CONTEXTS_OF: dict[str, frozenset[str]] = {
    "violence": _ALL - {"impossible"},
    "harassment_act": _ALL - {"impossible"},
    "property": _ALL - {"impossible"},
    "theft_crime": _ALL - {"impossible"},
    "acquire": frozenset({"definition", "game", "defensive", "statement"}),
    "selfharm_method": frozenset({"definition", "defensive"}),
    "privacy": frozenset({"fiction", "game", "defensive", "statement"}),
    "discrimination": frozenset({"narrative", "fiction", "impossible", "definition"}),
    "deception": frozenset({"definition", "narrative", "defensive"}),
    "atrocity": frozenset({"fiction", "game", "definition", "statement"}),
}
#: Contexts of the domain rules' tags (lexicon.HARM).
DOMAIN_CONTEXTS = frozenset({"defensive", "definition", "narrative"})
#: Tags whose hits start with the act's verb: the words just before it can make it a report.
VERB_FIRST = frozenset({"violence", "harassment_act", "property", "theft_crime", "acquire"})
#: Tags whose hits are cancelled by what comes just before the act when it makes it no ask: a
#: negation ("without hurting her", "i'm not trying to hurt anyone"), a moral question ("do i have
#: the right to..."), an accident ("i accidentally hurt my dog"), or a feeling ("thoughts about
#: hurting my baby": intrusive thoughts, which need support, not a refusal).
NEGATABLE = frozenset(CONTEXTS_OF)
NOT_AN_ASK = (r"(?:(?:\bwithout|\bnot|\bnever|\bavoid|n't|\bdont|\bstop|\bstopped|\bquit)"
              r"(?: \w+){0,2}|"
              r"\b(?:right|wrong|okay|ok|legal|illegal|moral|immoral|justified|acceptable) to|"
              r"\b(?:thoughts?|thinking|urges?|impulses?|feelings?|fantas(?:y|ies)|dreams?|"
              r"nightmares?|fears?|afraid|scared|worried|terrified) (?:about|of)|"
              r"\bfeel(?:s|ing)? like|\b(?:accidentally|unintentionally|mistakenly)) $")
# Words just before an act that make it a report: "it will hurt the people around you", "the
# illness has been killing him", "she keeps hitting me".
REPORTED_ACT = (r"\b(?:he|she|it|they|who|is|are|was|were|been|be|has|have|had|keeps?|kept|will|"
                r"isn't|wasn't|cause|causes)(?: \w+ly)? $|(?:'s|'re) $")

# A work of fiction or the user's writing, in the sentence of the act or next to it; stunts and
# effects name a production. Not "fake"/"replica" + a weapon: robbers carry those too.
FICTION = words(r"(?:my|a|the|our|this|his|her|your) (?:[\w'-]+ ){0,3}?(?:novel|story|stories|"
                r"book|screenplay|script|film|movie|tv show|show|series|play|comic|manga|anime|"
                r"cartoon|fanfic|fan fiction|poem|episode|sitcom|musical|opera|thriller|films|"
                r"movies|books|novels|sequel|franchise|trilogy|short story)",
                r"(?:a|my|the|his|her|their) (?:fictional |main )?characters?(?:'s)?", r"fictional",
                r"i(?:'m| am) (?:writing|directing|filming|producing)",
                r"on stage", r"in the plot", r"stage combat", r"special effects",
                r"stunt (?:doubles?|team|crew|coordinator|performers?)")
# A game or sport: the act happens by its rules, to players.
GAME = words(r"(?:in|on|at|during|for|of|playing|play|from) (?:a |an |the |this |my |our |your |"
             r"that )?(?:[\w'-]+ ){0,3}?(?:games?|video ?games?|videogames?|tournaments?|"
             r"match(?:es)?|boss fights?|multiplayer|single ?player|playthrough|speedrun|"
             r"game servers?|levels?|missions?|dungeons?)", r"in-game", r"npcs?", r"respawn\w*",
             r"(?:chess|checkers|draughts|poker|monopoly|scrabble|boxing|judo|karate|"
             r"jiu[- ]?jitsu|bjj|mma|wrestling|fencing|taekwondo|kickboxing|muay thai|sparring|"
             r"paintball|laser tag|airsoft|dodgeball|football|soccer|rugby|hockey|basketball|"
             r"baseball|tennis|cricket|volleyball|ufc|dnd|d&d|tabletop|rpg|mmo)",
             r"(?:shooting|gun|firing|archery|rifle) range",
             r"(?:in|at|during) (?:a|an|the|this|our) (?:debate|argument|race)",
             # A numbered title ("in <title> 3"), but not a room, grade or street.
             r"in (?!(?:room|grade|class|year|block|building|floor|apartment|unit|ward|district|"
             r"sector|zone|area|section|row|lane|street|terminal|gate|platform|chapter|the|a|an|"
             r"my|our|under|over|about|less|at)\b)[a-z][\w':-]*(?: [a-z][\w':-]*){0,3} \d{1,2}\b"
             r"(?! ?(?:minutes?|hours?|days?|seconds?|years?|weeks?|months?|am|pm|people|steps|"
             r"ways|%|percent))")
# Asks for working detail: no wrapper, negation or report makes them harmless.
OPERATIONAL = words(r"step[- ]by[- ]step", r"exact(?:ly)?", r"precise(?:ly)?",
                    r"in (?:full )?detail", r"detailed",
                    r"specific (?:steps|instructions|amounts|quantities|doses)", r"recipe",
                    r"ingredients", r"quantities", r"measurements",
                    r"(?:real|actual) (?:life|world)",
                    r"irl", r"for real", r"actually (?:works?|do it)", r"realistic(?:ally)?",
                    r"technically accurate",
                    r"without (?:getting caught|being caught|leaving|a trace)", r"undetect\w*",
                    r"untraceable", r"explains? (?:\w+ ){0,3}how to",
                    r"teach(?:es)? (?:\w+ ){0,3}how to", r"tells? (?:\w+ ){0,2}how to",
                    r"numbered (?:steps|procedure|list)", r"word for word")
# Physically impossible predicates: a question about them is a joke or a physics question. Two
# classes, not a list of examples: places no one can live (other worlds, the sun, open space) and
# the stock superpowers of fiction. Words with everyday senses ("space", "invisible illnesses")
# are left out: a discount on a real discrimination hit must not come from them.
IMPOSSIBLE = words("mercury", "venus", "mars", "jupiter", "saturn", "uranus", "neptune", "pluto",
                   "the sun(?:'s)?", "the moon", "outer space", "in space", "black holes?",
                   "event horizon",
                   "(?:other|another|parallel) (?:dimensions?|universes?|galax(?:y|ies))",
                   r"teleport\w*", r"time ?travel\w*", r"levitat\w*", r"telekine\w*",
                   r"telepath\w*", r"shape ?shift\w*", "super ?powers?", "superhuman",
                   "x-ray vision", "read minds", r"(?:becom|turn|go)\w* invisible", "invisibility",
                   "immortal(?:ity)?", "live forever", r"resurrect\w*", "raise the dead",
                   "stop time", "control the weather", "faster than (?:light|sound)",
                   "speed of light", "through (?:solid )?walls",
                   "breathe (?:underwater|under water|in a vacuum)")

# Kinds of sentence, matched at a sentence's first word (cues.py splits at . ? ! ; : and lines).
_LEAD_IN = (r"^(?:(?:so|and|but|ok|okay|hey|hi|please|also|then|quick question|tell me|"
            r"can you tell me|do you know|i wonder|explain),? )*")
#: What a thing is or means ("what is arson?", "what does X mean").
DEFINITION = (rf"{_LEAD_IN}(?:what(?:'s| is| are| was) (?:the )?(?:(?:legal|general|exact|formal|"
              r"dictionary|medical|official|real|actual|true|literal|precise) )*(?:definition|"
              r"meaning) of\b|what (?:does|do|did) [^?]{1,60} (?:mean|stand for|refer to)\b|"
              r"define\b|definition of\b|meaning of\b|what constitutes\b|what counts as\b|"
              r"what kind of (?:an? )?(?:drug|crime|thing|substance|weapon|act|offen[cs]e) "
              r"(?:is|are)\b|what(?:'s| is| are) (?:an? |the )?(?:[\w'\"-]+ ?){1,5}\W*$)")
#: ... unless it asks for a method ("what is the best way to ...").
METHOD_ASK = (r"\b(?:how|steps?|ways?|methods?|instructions|recipe|procedure|process|plan|"
              r"strategy|tips|best|easiest|where|can i|should i)\b")
#: What third parties did or do ("how does the villain...", "why did he...", "why do people..."),
#: but not "how did people do it" (a past-tense jailbreak asks for the method).
NARRATIVE = (rf"{_LEAD_IN}(?:why (?:do|does|did) (?!(?:i|we|you|u)\b)|"
             r"(?:how|why|what|when|where|who|whom|which)(?: [\w'-]+){0,3}? "
             r"(?:did|does|was|were|had)\b(?! (?:i|we|you|u|one|someone|somebody|anyone|anybody|"
             r"people|a person|an? [\w-]+|the (?:best|easiest|quickest|most|safest|simplest|right|"
             r"perfect|ideal|fastest|cheapest) \w+)\b))")
#: A question, a request or an instruction.
ASK = (r"\?|^(?:how|what|whats|what's|where|which|why|who|whom|when|can|could|would|will|should|"
       r"shall|is|are|am|do|does|did|any|anyone|tell|give|show|explain|write|teach|help|list|"
       r"describe|find|get|fetch|look up|dig up|pull up|search|send|check|make|create|generate|"
       r"provide|suggest|recommend|outline|draft|compose|walk|"
       r"let's|lets|please|pls|plz|i need|i want to know|i'd like|i would like|need|want|steps?|"
       r"ways?|best|easiest|quickest|fastest|simplest|goal|task|question|request)\b|"
       r"\b(?:how to|ways? (?:to|of)|best way|steps? (?:to|for)|methods? (?:to|for|of)|tell me|"
       r"show me|teach me|help me|explain|instructions|guide|tips)\b")
#: An intent: next to a sentence that asks, it is asked for ("i want to X. what should i use?").
INTENT = (r"\b(?:want to|wanna|need to|going to|gonna|plan(?:ning)? to|have to|trying to|try to|"
          r"would like to|thinking of|how)\b")

# =============================================================================================
# Obfuscated asks (Strata-Sword levels 2-3): read again once decoded; and, inside a wrapper, an
# ask read off its words alone when they are shuffled or split over parts.
# =============================================================================================
#: "b-o-m-b", "m.e.t.h", "k i l l": 4+ letters split by the same separator.
SPLIT_LETTERS = r"\b[a-z]([-. _*/|+~]{1,2})[a-z]\b(?:\1[a-z]\b){2,}"
#: Leetspeak digits and symbols inside words ("h0w t0 m4k3").
LEET = r"(?<![\w@$])[a-z0-9@$]*(?:[a-z][0-9@$]|[0-9@$][a-z])[a-z0-9@$]*"
LEET_TABLE = str.maketrans("013457@$", "oieastas")
#: String concatenation in code framing: 'mal' + 'ware'.
CONCAT = r"""['"`]\s*\+\s*['"`]"""
#: A request to reverse text: read it reversed too.
REVERSED = words(r"revers\w*", r"backwards?", r"right to left")
#: Parts of a decomposed ask ("1)", "part b:", "step 2", "[c]"), or string variables joined later.
PARTS = (r"(?:^|\s)(?:\d[.):]|\[[a-d1-4]\]|\([a-d1-4]\)|part (?:[a-d1-4]|one|two)\b|step \d)|"
         r"\b[a-z]\w{0,11} ?= ?['\"]")
#: A request to put scrambled words in order: the words are the ask.
SCRAMBLED = words(r"unscrambl\w*", r"scrambled", r"shuffled", r"jumbled", r"rearrang\w*",
                  r"reorder\w*", r"out of order", r"(?:sort|put) (?:the |these )?(?:words|parts)",
                  r"decod\w*", r"deciph\w*", r"anagram\w*")
#: (harm, acts, objects): an act and what it is done to make a wrapped ask, in any order.
BAGS: tuple[tuple[float, frozenset[str], frozenset[str]], ...] = tuple(
    (weight, frozenset(acts.split()), frozenset(objects.split())) for weight, acts, objects in (
        (0.75, "make making made build building synthesize synthesise synthesis cook cooking "
               "create assemble assembling produce manufacture brew recipe instructions steps "
               "press print",
         "bomb bombs explosive explosives ied grenade grenades napalm thermite sarin ricin anthrax "
         "meth methamphetamine fentanyl heroin cocaine lsd mdma malware ransomware keylogger "
         "poison poisons gun guns firearm firearms silencer nerve"),
        (0.7, "kill murder poison stab strangle shoot hurt beat attack",
         "someone somebody person people wife husband boss coworker neighbor neighbour child kid "
         "ex girlfriend boyfriend"),
        (0.7, "hack hacking crack bypass dump exploit phish phishing steal",
         "account accounts password passwords email instagram facebook authentication 2fa two "
         "database login admin wifi credentials"),
        (0.7, "track tracker spy read monitor spyware locate",
         "ex girlfriend boyfriend wife husband her him messages whereabouts location"),
        (0.7, "forge forged fake counterfeit clone skim scam trick pressure convince",
         "id passport statement payslips documents cards card pensioners grandson licence "
         "license"),
        (0.7, "find dox doxx doxxing", "address lives"),
    ))
#: Every word of the bags: a decoding that brings one of them out is an obfuscated ask.
BAG_WORDS = frozenset().union(*(acts | objects for _, acts, objects in BAGS))
