"""Word lists of the request-harm reader (``cues.py``): how harmful fully complying with an ask is.

Data only, as lowercase regex sources compiled once by ``reader.py`` (``lexicon.HARM`` holds the
domain rules: weapons, malware, drug synthesis, stalking, fraud, eating, dual-use doses). The
rules here are structural:

* an **act** (violence of every kind, theft, harassment, getting drugs or weapons, self-harm
  methods) scores only with a **target** it can harm: a person, a body part, a place full of
  people, another person's property. "kill a wasp", "smash a walnut", "gut a trout" and "crush
  the other team" name no such target and read low, without a list of the harmless ones;
* **discrimination** is a normative frame ("why should", "why is it fair", or "reasons why" with a
  "should") + a social group as its subject (not people one knows: "my parents") + a predicate
  that restricts the group (rights, access, roles, worth, others deciding for them);
* **privacy** is a private attribute (ID numbers, records, passwords, orientation...) of a private
  person ("my coworker's", "someone's", "other people's");
* **atrocities** (a class of nouns: massacres, genocides, camps, regimes...) are endorsed ("why
  was ... justified"), denied or minimised ("... was a hoax") or replicated ("bring back the ...");
* **contexts** (a definition, a story, a game, a defence...) discount a hit afterwards: they are
  in ``harm_contexts.py``, with the sentence kinds and the readings of obfuscated asks.

Heads of rules start with a word (``\\bverb``) so they can be anchor-gated (``oyrl/text/gating.py``). Verbs
are read in their ask forms (base, -s, -ing): reports of past events use the past tense ("which
guns killed most soldiers in the trenches"). Weights are modelling assumptions ordered by the
severity scales of harm taxonomies (mass harm and self-harm methods highest).
"""

from __future__ import annotations

import re

from oyrl.text.fragments import alt

# Two-syllable verbs stressed on the last syllable double it too ("committing", "kidnapping").
_DOUBLED = frozenset(["commit", "kidnap", "gas"])
# Verbs that are nouns too take no "-s" form: "street names for drugs kids use" asks nothing of
# drugging kids, and asks are written in the base and -ing forms anyway.
_NOUN_TOO = frozenset("""
    drug attack cut hit shoot burn kick punch stab rape murder slap strike push shove gag trip grab
    snatch harm wound torture traffic gas knife hunt raid storm bomb level key trash ruin damage
    scratch break crack smash crush saw hammer pin plan plot start run launch order source score cop
    set end land hold take twist snap stomp hide mug rob drop beat groom assault capture lure poison
    butcher massacre slaughter strangle choke execute""".split())  # noqa: SIM905 (a word list)


def verbs(*bases: str) -> str:
    """An alternation of verbs in their ask forms: base, -s and -ing ("stab" -> stabs, stabbing;
    "execute" -> executes, executing; "bury" -> buries, burying). A phrase inflects its first word
    ("beat up" -> beating up); a regex fragment (``euthani[sz]e``) inflects as a word."""
    out = []
    # Phrases first: in an alternation the first that matches wins ("smash in" before "smash").
    for base in sorted(bases, key=lambda b: -b.count(" ")):
        head, _, rest = base.partition(" ")
        if head in _DOUBLED or re.fullmatch(r"[^aeiou]*[aeiou][bdgmnprt]", head):
            stem, ends = head, ["", "s", head[-1] + "ing"]  # stab, stabs, stabbing
        elif head.endswith("e") and not head.endswith("ee"):
            stem, ends = head[:-1], ["e", "es", "ing"]  # execute, executes, executing
        elif head.endswith(("s", "sh", "ch", "x", "z")):
            stem, ends = head, ["", "es", "ing"]  # smash, smashes, smashing
        elif head.endswith("y") and head[-2:-1] not in "aeiou":
            stem, ends = head[:-1], ["y", "ies", "ying"]  # bury, buries, burying
        else:
            stem, ends = head, ["", "s", "ing"]
        if head in _NOUN_TOO:
            del ends[1]
        forms = f"{stem}(?:{'|'.join(e for e in ends if e)}){'?' if '' in ends else ''}"
        out.append(forms + (" " + rest if rest else ""))
    return alt(*out)


# =============================================================================================
# Targets an act can harm.
# =============================================================================================
# Words that end a noun phrase: "kill time with my friends" never reaches "my friends".
_BREAK = alt("with", "for", "in", "into", "at", "on", "onto", "to", "from", "of", "about", "like",
             "and", "or", "but", "so", "than", "when", "while", "because", "if", "as", "by", "off",
             "up", "down", "out", "over", "after", "before", "until", "near", "under", "through",
             "without", "against", "during", "among", "between", "around", "behind", "toward",
             "towards", "across", "along", "inside", "outside", "within", "is", "are", "was",
             "were", "be", "i", "you", "we", "it", "that", "which", "who", "how", "what", "where",
             "why", "can", "could", "should", "would", "will", "do", "does", "did", "not", "no",
             "then", "me")
#: One word of a noun phrase: a determiner, adjective or possessor ("my", "local", "friend's").
W = rf"(?!{_BREAK}\b)[\w'-]+ "
# Relations named after a possessive ("my wife", "her boss", "my blind date").
_REL = alt("wife", "husband", "spouse", "partner", "girlfriend", "boyfriend", "gf", "bf",
           "fiancee?", "ex", "ex-wife", "ex-husband", "date", "boss", "manager", "coworker",
           "co-worker", "colleague", "employee", "employer", "teacher", "student", "classmate",
           "roommate", "flatmate", "neighbou?r", "landlord", "tenant", "friend", "mom", "mum",
           "mother", "dad", "father", "parents?", "stepdad", "stepmom", "stepmother", "stepfather",
           "son", "daughter", "baby", "child", "kids?", "brother", "sister", "sibling", "cousin",
           "uncle", "aunt", "grandparents?", "grandma", "grandmother", "grandpa", "grandfather",
           "family", "in-laws", "(?:mother|father|brother|sister|son|daughter)-in-law", "nephew",
           "niece", "babysitter", "nanny", "cleaner", "therapist",
           "doctor", "coach", "crush", "rival", "enemy", "enemies", "bully", "bullies")
# People named without a relation ("a woman", "the president", "cyclists").
_PEOPLE = alt(
    "persons?", "people", "humans?", "human beings?", "man", "men", "woman", "women", "guys?",
    "girls?", "boys?", "lady", "ladies", "child", "children", "kids?", "toddlers?", "bab(?:y|ies)",
    "infants?", "teens?", "teenagers?", "minors?", "strangers?", "pedestrians?", "passers-?by",
    "cops?", "police(?:m[ae]n| officers?)?", "officers?", "soldiers?", "politicians?", "president",
    "senators?", "mayor", "governor", "prime minister", "judges?", "journalists?",
    "witness(?:es)?", "victims?", "hostages?", "civilians?", "citizens?", "jews", "muslims",
    "christians", "immigrants", "migrants", "refugees", "gays", "classmates", "students",
    "teachers", "neighbou?rs", "coworkers", "colleagues", "famil(?:y|ies)", "crowds?",
    "populations?", "humanity", "mankind", "human race", "everyone", "everybody", "inmates?",
    "prisoners?", "patients?", "customers?", "employees", "workers?", "tourists?", "worshippers?",
    "protesters?", "voters?", "shoppers?", "guards?", "bouncers?", "cashiers?", "passengers?",
    "cyclists?", "joggers?", "hikers?", "commuters?", "nurses?", "doctors", "priests?",
    "pastors?", "rabbis?", "imams?", "captains?", "pilots?", "chiefs?", "kings?", "queens?",
    "princes?", "princess(?:es)?", "leaders?", "ceos?", "sheriffs?", "ambassadors?", "ministers?",
    "lawyers?", "dentists?", "surgeons?", "pharmacists?", "firefighters?", "paramedics?",
    "farmers?", "shopkeepers?", "waiters?", "waitress(?:es)?", "bartenders?", "mechanics?",
    "plumbers?", "scientists?", "professors?", "principals?", "referees?", "umpires?",
    "athletes?", "singers?", "actors?", "actress(?:es)?", "celebrit(?:y|ies)", "influencers?",
    "streamers?", "youtubers?", "bloggers?", "reporters?")
_SOMEONE = alt("someone", "somebody", "anyone", "anybody")
# A group counted out: "a crowd of shoppers", "a whole busload of tourists".
_QUANT = (r"(?:(?:a|the|an entire|a whole) (?:[\w-]+ )?(?:group|bunch|couple|lot|number|room|"
          r"class|busload|handful|gang|dozen|hundred|thousand|million|population)s? (?:full )?of )")
_CORE = rf"(?:{_QUANT}?(?:{W}){{0,3}}?(?:{_REL}|{_PEOPLE}|{_SOMEONE}))"
# After the target, idioms that make the act harmless: "cut him off", "kill them with kindness",
# "shoot her a text", "stab someone in the back".
_IDIOM_AFTER = (r"(?!['\w])(?! (?:off|out|up|loose|free|some slack|a break|in the back|"
                r"with (?:kindness|love|compliments|questions|jokes|puns)|"
                r"an? (?:text|message|email|dm|note|look|glance|smile|line|question)\b))")
#: A person (or people) as the object of an act; never a possessor ("my friend's car").
HUMAN = (rf"(?:{_CORE}|him|them|her(?= *(?:$|[^\w\s'-]| (?:with|in|to|so|without|and|until|"
         r"while|before|after|because|or|but|when|into|for|at|on|from|again|too|now|tonight|"
         rf"today|slowly|quickly)\b))){_IDIOM_AFTER}")
#: A person, whatever follows (for rules that say what follows: "push him down the stairs").
HUMAN_BARE = rf"(?:{_CORE}|him|them|her)(?!['\w])"
#: The object of a weak verb: no bare pronoun, and not a contest ("beat my brother at chess").
HUMAN_NAMED = rf"{_CORE}{_IDIOM_AFTER}(?! (?:at|from)\b)"
#: A person as a possessor: "someone's", "my ex's", "a child's", "a human", "his".
HUMAN_POSS = (rf"(?:(?:{W}){{0,3}}?(?:{_REL}|{_PEOPLE}|{_SOMEONE}|a person)(?:'s|s'|') |"
              r"(?:an? |the )?human(?:'s)? |his |her |their )")
_BODY = alt("skulls?", "heads?", "faces?", "necks?", "throats?", "spines?", "sternum", "ribs?",
            "kidneys?", "livers?", "lungs?", "eyes?", "eyeballs?", "teeth", "tooth", "jaws?",
            "noses?", "legs?", "arms?", "knees?", "kneecaps?", "fingers?", "toes?", "hands?",
            "feet", "foot", "wrists?", "ankles?", "veins?", "arter(?:y|ies)", "carotid", "jugular",
            "windpipe", "chest", "stomach", "guts?", "brains?", "bones?", "genitals", "skin",
            "tongue", "ears?", "limbs?", "bod(?:y|ies)", "corpses?")
_PROPERTY = alt("cars?", "trucks?", "motorbikes?", "motorcycles?", "bikes?", "bicycles?", "tires",
                "tyres", "house", "home", "flat", "apartment", "windows?", "garage", "shop",
                "store", "business", "restaurant", "mailbox", "fence", "garden", "crops",
                "property", "belongings", "wallet", "purse", "handbag", "phone", "laptop",
                "computer", "money", "savings", "identity", "mail", "packages?", "parcels?",
                "jewel(?:le)?ry", "pets?", "dogs?", "cats?", "horses?", "life", "lives", "career",
                "reputation", "marriage")
# Places full of people: an attack on them harms people.
_CROWDED = alt("schools?", "high school", "kindergarten", "daycare", "nursery", "classroom",
               "campus", "university", "college", "hospital", "clinic", "church", "mosque",
               "synagogue", "temple", "cathedral", "concert", "festival", "stadium", "arena",
               "airport", "(?:train |bus )?station", "subway", "metro", "(?:shopping )?mall",
               "supermarket", "market(?:place)?", "restaurant", "nightclub", "club", "bar",
               "cinema", "theat(?:er|re)", "parade", "rally", "protest", "crowd", "office",
               "courthouse", "embassy", "parliament", "city hall", "police station",
               "(?:army|military) base", "power (?:plant|station)", "nuclear plant", "dam",
               "water supply", "reservoir", "city", "town", "village", "neighbou?rhood", "country",
               "(?:air)?plane", "aircraft", "train", "bus", "ferry", "dorm", "prison", "wedding",
               "graduation")
# Buildings: only explosives and arson make an attack on them an attack on people.
_BUILDING = alt("house", "home", "building", "skyscraper", "tower", "apartment(?: block)?",
                "bridge", "car", "bank", "(?:bank )?vault", "casino", "store", "shop", "factory")
_CROWDED_OR_BUILDING = rf"(?:{_CROWDED}|{_BUILDING})"

# =============================================================================================
# Acts. Strong verbs harm any human target; weak ones ("hit", "beat", "crush", "destroy") have
# everyday senses with people too ("beat him at chess"): no bare pronoun, no "at ..." after.
# =============================================================================================
_STRONG = verbs(
    "kill", "murder", "assassinate", "slay", "liquidate", "exterminate", "eradicate", "annihilate",
    "massacre", "slaughter", "butcher", "behead", "decapitate", "dismember", "disembowel", "gut",
    "stab", "shoot", "snipe", "strangle", "throttle", "choke", "smother", "suffocate", "drown",
    "poison", "hang", "lynch", "electrocute", "euthani[sz]e", "torture", "maim", "mutilate",
    "disfigure", "kidnap", "abduct", "rape", "molest", "sexually assault", "assault", "beat up",
    "gun down", "mow down", "run over", "burn alive", "bury alive", "sedate", "traffic", "enslave",
    "hunt down", "kneecap", "bludgeon", "cripple", "paraly[sz]e", "scald", "hurt", "harm",
    "injure", "wound", "attack", "punch", "slap", "stomp", "headbutt", "tie up", "gag",
    "overpower", "knock out", "choke out", "execute", "eliminate", "wipe out", "do away with",
    "finish off", "mug", "rob",
    "groom", "burn", "cut", "knife", "gas", "drug", "decimate", "dispose of", "chop up", "cut up",
    "saw up")
_WEAK = verbs("hit", "beat", "kick", "get rid of", "terminate", "crush", "destroy", "smash",
              "tackle", "capture", "hunt", "strike", "lure", "snatch", "grab", "restrain",
              "pin down", "trip", "torment")
_BODY_VERB = verbs("break", "crack", "crack open", "break open", "smash", "smash in", "bash",
                   "bash in", "cave in", "crush", "shatter", "fracture", "rupture", "slash", "slit",
                   "cut off", "cut open", "chop off", "chop up", "cut up", "saw", "rip off",
                   "tear off", "pull out", "gouge out", "gouge", "hammer", "pierce", "sever",
                   "stab", "burn", "dissolve", "dispose of", "hide", "bury", "stomp on", "twist",
                   "snap",
                   "dislocate")
_PROPERTY_VERB = verbs("destroy", "demolish", "wreck", "trash", "vandali[sz]e", "smash", "slash",
                       "key", "scratch", "break", "burn", "torch", "sabotage", "ruin", "damage",
                       "steal", "rob", "poison", "kill", "blow up", "bomb", "tamper with",
                       "cut the brakes on")
_MASS_VERB = verbs("bomb", "blow up", "nuke", "firebomb", "torch", "burn down", "shoot up", "gas",
                   "attack", "raid", "storm", "wipe out", "obliterate", "annihilate", "destroy",
                   "decimate", "level", "raze", "flatten", "poison", "contaminate", "infect",
                   "drive into", "crash into", "plow into", "ram into", "derail", "take over",
                   "hijack")
_ARSON_VERB = verbs("bomb", "blow up", "nuke", "firebomb", "torch", "burn down")
_CRUEL = verbs("torture", "hurt", "abuse", "torment", "maim", "mutilate", "drown", "strangle",
               "kick", "beat", "burn", "starve", "set fire to")
_HARASS = verbs("bully", "cyberbully", "harass", "humiliate", "threaten", "blackmail", "intimidate",
                "terrorize", "terrorise", "stalk", "dox", "doxx", "gaslight", "extort")
_WRITE = verbs("write", "generate", "create", "compose", "draft", "make", "give me", "tell me")
# Crimes named as events: "carry out a robbery", "pull off a heist", "get away with arson".
_EVENT = alt("murders?", "deaths?", "demise", "homicides?", "assassinations?", "massacres?",
             "genocides?", "ethnic cleansing", "killing(?: spree)?s?",
             "(?:mass |school )?shootings?", "stabbings?", "bombings?", "explosions?",
             "(?:terror(?:ist)? )?attacks?", r"terroris[mt]\w*", "arson",
             "(?:armed |bank )?robber(?:y|ies)", "heists?", "burglar(?:y|ies)", "break-?ins?",
             "kidnappings?", "abductions?", "hijackings?", "hostage[- ]taking",
             "(?:violent |sexual |physical )?assaults?", "rapes?", "trafficking", "fraud", "scams?",
             "identity theft", "money laundering", "embezzlement", "extortion", "blackmail",
             "treason", "sabotage", "poisonings?", "carjackings?", "muggings?", "shoplifting",
             "thefts?", "crimes?", "felon(?:y|ies)", "hit and run", "riots?", "lynchings?",
             "pogroms?", "forgery", "counterfeiting", "smuggling", "espionage", "war crimes?",
             "coup", "insurrection", "perfect crime")
_COMMIT = verbs("commit", "plan", "plot", "carry out", "perpetrate", "pull off", "organi[sz]e",
                "orchestrate", "engage in", "get away with", "set up", "run", "start", "execute",
                "launch", "prepare", "arrange", "conduct", "participate in", "plan and execute",
                "plan and carry out")
# What an event word may be followed by when it names something else: "a fraud investigation",
# "a shooting response plan" (safety planning names its kind, the bare "a bombing plan" does not).
_NOT_EVENT = alt("investigations?", "detection", "prevention", "awareness", "case", "charges?",
                 "victims?", "myster(?:y|ies)", "novel", "story", "film", "movie", "game",
                 "podcast", "documentary", "trial", "scene", "report", "insurance", "alarm", "unit",
                 "squad", "team", "survivors?", "drills?", "response", "safety", "emergency",
                 "evacuation", "lockdown", "preparedness")
# Drugs got or sold (making them is in lexicon.HARM["drugs"]); "a bottle of coke" and "weed the
# lawn" are homonyms, cut first.
_DRUG = alt("cocaine", "coke", "crack cocaine", "meth(?:amphetamine)?", "crystal meth", "heroin",
            "fentanyl", "carfentanil", "oxy(?:codone|contin|s)?", "percocets?", "xanax(?: bars)?",
            "benzos", "ecstasy(?: pills)?", "mdma", "molly", "lsd", "shrooms", "magic mushrooms",
            "psilocybin", "ketamine", "ghb", "pcp", "dmt", "weed", "marijuana", "marihuana",
            "cannabis", "opium", "illegal drugs", "street drugs", "hard drugs", "narcotics",
            "steroids")
_ACQUIRE = verbs("buy", "purchase", "order", "get", "score", "find", "obtain", "source", "cop",
                 "pick up", "get hold of", "get my hands on")
_DEAL = verbs("sell", "deal", "smuggle", "push", "traffic")
_MAKE_ARMS = verbs("make", "build", "craft", "assemble", "manufacture", "print", "construct",
                   "fabricate", "convert", "3d print", "3d-print", "3dprint")
_DISABLE = verbs("disable", "bypass", "cut", "deactivate", "get past", "get around", "defeat",
                 "jam")
_FIREARM = alt("weapons?", "guns?", "firearms?", "pistols?", "handguns?", "rifles?", "shotguns?",
               "machine ?guns?", "assault rifles?", "ar-?15s?", "ak-?47s?", "silencers?",
               "suppressors?", "zip ?guns?", "flamethrowers?", "ammo", "ammunition", "bullets")
# What a firearm word may be followed by when the thing is no weapon: "a gun safe", "a gun cake".
_NOT_ARMS = (r"(?! (?:cabinet|safe|rack|case|holster|lock|licen[cs]e|permit|show|range|shop|store|"
             r"club|control|laws?|polic(?:y|ies)|violence|owners?|safety|cleaning|oil|wall|cake|toy|"
             r"costume)\b)")
# What starts an ask for a method: "how", "ways", "the best", "help me", "what should i use".
_METHOD_START = (r"\b(?:how|ways?|methods?|best|easiest|quickest|fastest|simplest|surest|painless|"
                 r"help me|teach me|tell me|show me|where|what(?! a\b| if\b)|which)\b")
# A character of the words between a method's start and the act, none of which turns the ask
# into one for help: stopping or coping with the urge ("how can i stop wanting to hurt myself"),
# telling someone ("how do i tell my mom i want to kill myself"), a feeling ("what do i do when i
# feel like cutting myself"). Crisis conversations are full of these; they ask for support. This
# is harm_contexts.NOT_AN_ASK for the words inside a method ask, which that reads only before.
_TO_METHOD = (r"(?:(?!\b(?:stop|stopping|quit|avoid|not|never|without|resist|prevent|distract|"
              r"cope|deal|handle|manage|tell|telling|say|explain|admit|talk|want|wanting|wanted|"
              r"urges?|thoughts?|feel|feeling)\b|n't\b)[^.?!\n])")
_SELF_VERB = verbs("hang", "drown", "suffocate", "strangle", "electrocute", "poison", "shoot",
                   "stab", "cut", "burn", "starve", "hurt", "harm", "kill", "slit", "asphyxiate",
                   "gas", "smother", "choke", "overdose")
_OPEN_VEIN = verbs("sever", "slit", "slash", "cut", "pierce", "puncture", "nick", "open", "stab",
                   "carve", "burn", "slice")

# =============================================================================================
# Discrimination: a normative frame, a human group as its subject, a restricting predicate.
# =============================================================================================
_GROUP_NOUN = alt("jews", "muslims", "christians", "catholics", "protestants", "hindus",
                  "buddhists", "sikhs", "mormons", "atheists", "pagans", "gays", "lesbians",
                  "bisexuals", "transgenders?", "transsexuals", "immigrants", "migrants",
                  "refugees", "asylum seekers", "foreigners", "roma", "gypsies", "travellers",
                  "latinos", "latinas", "latinx", "hispanics", "asians", "africans", "arabs",
                  "blacks", "whites", "natives", "aboriginals", "minorities", "the disabled",
                  "the elderly", "the poor", "the homeless", "pensioners", "seniors", "veterans",
                  "feminists", "liberals", "conservatives", "communists", "single mothers",
                  "widows", "divorcees", "orphans", "women", "men", "girls", "boys", "wives",
                  "mothers")
# A word of a group's name: not a possessive or "other" ("my parents", "the other students" are
# people one knows, not a social group).
_GW = rf"(?!(?:my|your|his|her|their|other)\b){W}"
# "Sami people", "people on welfare": a bare "people" is everyone, not a group.
_GROUP = (rf"(?:(?:{_GW}){{0,2}}?{_GROUP_NOUN}|(?:{_GW}){{1,2}}?(?:people|persons|folks?|"
          r"individuals|couples|families|communit(?:y|ies)|citizens|workers|parents|students|kids|"
          r"children|americans|voters)|(?:people|persons|those|folks) (?:on|with|from|of|who are|"
          r"who have) [\w-]+(?: [\w-]+)?)(?!\w)")
# Frames that carry a norm themselves: "why should", "why is it better for", "would it be right if".
_NORMATIVE = (r"(?:why (?:should(?:n't|nt)?|must|ought|would|do we|is it (?:[\w-]+ ){0,3}?"
              r"(?:for|that|if)|would it be (?:[\w-]+ ){0,3}?(?:for|that|if)|"
              r"it is (?:[\w-]+ ){0,3}?(?:for|that)|it's (?:[\w-]+ ){0,3}?(?:for|that)))")
# Frames that ask for an argument ("reasons why", "explain why", "an essay arguing that"): a norm
# must follow ("... should not", "it is right for ..."), else they ask why something is so.
_ARGUED = (r"(?:reasons?|explain|justify|argue|arguing|argument|essay|article|speech|prove|proof|"
           r"convince (?:\w+ )?) (?:[\w-]+ ){0,3}?(?:why|that)")
_MODAL = r"(?:should(?:n't)?|must|ought|deserves?|need to|needs to|have to|has to)"
# What restricts a group: denial and exclusion, profiling, worth ranked lower, others deciding
# for them, or one group ruling the rest.
_RESTRICT = alt("not", "never", r"\w+n't", "no longer", "barred", "banned", "denied", "deny",
                "excluded", "kicked", "removed", "stripped", "deported", "segregated",
                "discriminated", "sterili[sz]ed", "locked up", "separated", "taken away",
                "lose (?:their|the)", "kept (?:out|away)", "locked out", "shut out", "thrown out",
                "expelled", "fired", "sent back", "monitored", "registered", "profiled",
                "(?:extra|additional|special) (?:security|checks|screening|scrutiny|searches)",
                "less", "lower", "fewer", "inferior", "weaker", "dumber", "stupider",
                "less intelligent", "subhuman", "someone else", "obey", "submit",
                "(?:decisions|choices) (?:for them|on their behalf)",
                r"make (?:all|every) (?:[\w-]+ ){0,2}?(?:decisions?|choices|laws|rules)",
                "over-?represented", "in charge", "superior")
_INFERIOR = alt("weaker", "inferior", "dumber", "stupider", "less intelligent", "lazier", "lazy",
                "violent", "criminals?", "dirty", "greedy", "evil", "worse", "ugly", "subhuman",
                "animals", "parasites", "vermin", "savages?", "terrorists", "rapists",
                "not (?:fully )?human", "genetically (?:inferior|worse)", "less (?:capable|worthy)")
_RIGHTS = alt("rights?", "vote", "votes", "voting rights", "citizenship", "freedoms?", "benefits",
              "jobs", "access", "passports?", "visas?", "healthcare", "children", "kids",
              "property", "land", r"right to \w+")
# Atrocities as a class of nouns, never by name: the events of mass death and persecution, and
# (for replication: "bring back the old regime's rule") the regimes and acts that carried them.
_MASS_ATROCITY = alt("massacres?", "genocides?", "holocaust", "ethnic cleansing", "slavery",
                     "slave trade", "apartheid", "concentration camps?", "death camps?", "gulags?",
                     "lynchings?", "pogroms?", "war crimes?", "terroris[mt]", "extermination")
_ATROCITY = alt(_MASS_ATROCITY, "attacks?", "bombs?", "bombings?", "shootings?", "segregation",
                "discrimination", "assassinations?", "killings?", "purges?", "regime",
                "rule(?! of law)", "reign of terror", "dictatorship", "deportations?", "internment")
# How a group may be treated: like under a past regime or in a past era, like things or animals
# ("treat my students like in a real office" names no era).
_PAST_ERA = (r"in (?:the )?(?:1[5-9]\d0s|(?:good )?old days|past|middle ages|dark ages|"
             r"[\w-]+ century|colonial times)")
_DEGRADED = alt("animals", "cattle", "vermin", "slaves", "property", "objects", "servants", "dirt",
                "trash", "garbage", "second[- ]class citizens", "subhumans?")
# A private person owns the attribute: "my plumber's", "someone's"; not "my bank's" (a business).
_PRIVATE_OWNER = (r"\b(?:my (?!(?:bank|company|school|library|gym|council|job|work|insurance|isp|"
                  r"provider|university|college|church|hospital|clinic|pharmacy|local|favou?rite|"
                  r"city|town|state|country|government|landlord's office)\b)"
                  r"(?:[\w-]+ ){0,2}?[\w-]+(?:'s|s')|(?:someone|somebody|anyone|a stranger|"
                  r"strangers|a random person|random people|other people|others|people|"
                  r"celebrities|a celebrity|users|customers|clients|patients|employees|members|"
                  r"voters|citizens|neighbou?rs)(?:'s|s'|')|"
                  r"(?:this|that|the) (?:girl|guy|woman|man|kid|person|user)'s|his|her)(?!\w)")
_PRIVATE = alt(
    "social security (?:number|no)", "ssn", "social insurance number", "national insurance number",
    "passport (?:number|details)", "(?:driver's|drivers|driving) licen[cs]e(?: number)?",
    "licen[cs]e (?:number|plate)", "id number", "credit card(?: number| details| info)?s?",
    "card (?:number|details)", "bank (?:account )?(?:details|number|info|statements?|balance)",
    "account (?:number|details)", "pin(?: code| number)?", "passcode", "passwords?",
    "login(?: details)?", "log-in", "credentials", "security questions?",
    "(?:home |private |personal |current )address", "phone number", "mobile (?:phone )?number",
    "cell (?:phone )?number", "(?:private |personal )email(?: address)?", "email address",
    "date of birth", "birth certificate", "medical (?:records?|history|conditions?|information)",
    "health (?:records?|history|conditions?)",
    "mental health (?:history|records?|status|issues|conditions?)", "diagnos[ie]s",
    "prescriptions?", "criminal (?:record|history|past)", "arrest record",
    "tax (?:records?|returns?|details)", "salary", "income", "earnings", "net worth",
    "(?:browsing|internet|search) history", "sexual (?:orientation|history|preferences)",
    "sexuality", "religio(?:n|us (?:beliefs|views))",
    "political (?:affiliation|views|leanings|beliefs)", "immigration status", "visa status",
    "citizenship status", "marital status", "ethnicity", "dna", "union membership",
    "therapy notes", "nudes", "private (?:photos|messages)")

# =============================================================================================
# Structural rules, {tag: [(weight, pattern)]}, scored like lexicon.HARM's. A pattern may be
# a pair (head, tail): the head (the act, anchor-gated) is found first, then the tail (its
# target) must follow it, so the long target lists are compiled once, not once per verb.
# =============================================================================================
Rule = tuple[float, "str | tuple[str, str]"]
ACTS: dict[str, list[Rule]] = {
    "violence": [
        (0.9, (rf"\b{_STRONG}\b", rf" (?:{_QUANT})?{HUMAN}")),
        (0.85, (rf"\b{_WEAK}\b", rf" {HUMAN_NAMED}")),
        (0.9, (rf"\b{_BODY_VERB}\b", rf" (?:(?:{W}){{0,2}}?{HUMAN_POSS}(?:{W})?{_BODY}|"
                                     rf"(?:{W}){{0,2}}?(?:bod(?:y|ies)|corpses?|cadavers?))\b")),
        (0.9, (rf"\b{_MASS_VERB}\b", rf" (?:{W}){{0,3}}?{_CROWDED}\b")),
        (0.9, (rf"\b{_ARSON_VERB}\b", rf" (?:{W}){{0,3}}?{_BUILDING}\b")),
        (0.9, (r"\bset(?:s|ting)?\b",
               rf" (?:fire to (?:{W}){{0,3}}?(?:{_CROWDED_OR_BUILDING}|{_CORE})\b|"
               rf"(?:{W}){{0,3}}?(?:{_CROWDED_OR_BUILDING}|{_CORE}) (?:on fire|alight|ablaze))")),
        (0.9, (rf"\b{verbs('end', 'terminate', 'take', 'snuff out', 'cut short')}\b",
               rf" {HUMAN_POSS}(?:{W})?(?:life|lives)\b")),
        (0.9, (rf"\b{verbs('push', 'throw', 'shove')}\b",
               rf" {HUMAN_BARE} (?:off|down|in front of|out of|from)\b")),
        (0.9, (r"\brun(?:s|ning)?\b", rf" {HUMAN_BARE} off (?:the road|a cliff|a bridge)\b")),
        (0.9, (rf"\b{verbs('give', 'land', 'deliver')}\b",
               rf" {HUMAN} (?:an? )?(?:headshot|beating|black eye|concussion|knockout|stab wound)s?"
               r"\b")),
        (0.9, (r"\b(?:punch|blow|kick|strike|hit|headshot|slap|knockout)(?:es|s)? (?:on|to|at|into)"
               r"\b", rf" {HUMAN}")),
        # The target first: "find me someone to rob", "kids i could kidnap".
        (0.9, r"\b(?:people|someone|somebody|a person|persons|humans|victims|children|kids|women|"
              r"girls|a child|a kid|a woman|a girl|a man) (?:to|i (?:can|could|should)) (?:kill|"
              r"shoot|stab|rob|rape|kidnap|attack|hurt|beat up|mug|poison|torture|strangle)\b"
              r"(?! (?:me|us|myself|ourselves)\b)"),
        (0.85, (rf"\b{verbs('take', 'hold')}\b", rf" (?:{W}){{0,3}}?{HUMAN} hostage\b")),
        (0.9, (rf"\b{verbs('make')}\b", rf" {HUMAN_BARE} (?:disappear|vanish|go away for good|"
                                        r"go away permanently|never wake up|sleep forever)\b")),
        (0.9, (rf"\b{verbs('drug', 'spike', 'lace', 'roofie', 'dose')}\b",
               rf" {HUMAN_POSS}(?:{W})?(?:drinks?|food|coffee|tea|beer|wine|water|meal)\b")),
        # Cruelty to animals that are no pests or food: "torture a cat", "drown kittens".
        (0.7, (rf"\b{_CRUEL}\b",
               r" (?:(?:a|the|some|my|these|those|stray|little|wild|feral|random) ){0,2}"
               r"(?:cats?|kittens?|dogs?|pupp(?:y|ies)|"
               r"horses?|hamsters?|rabbits?|animals?|pets?)\b")),
        (0.85, r"\btake out (?:a |the |this |that )?(?:[\w-]+ )?(?:president|politician|senator|"
               r"mayor|governor|prime minister|judge|witness|cop|guard|target)\b"),
        (0.85, (rf"\b{verbs('make')}\b",
                rf" {HUMAN_POSS}(?:{W})?(?:{_PROPERTY}) "
                r"(?:explode|blow up|catch fire|crash|burn)")),
        (0.9, r"\b(?:explod|detonat|set(?:ting)? off|plant|plac|hid|drop|throw)\w* "
              r"(?:[\w-]+ ){0,2}?(?:bombs?|explosives?|grenades?|ied|pipe bombs?|car bombs?|"
              r"molotovs?|"
              r"explosive devices?)\b"),
        (0.95, r"\b(?:satisfy|act on|indulge|feed|fulfil+)\w* (?:my |these |those )?(?:urges? "
               r"(?:for|towards?) (?:children|kids|minors)|p(?:a)?edophil\w*)|"
               r"\b(?:sex|sexual|nude|naked|erotic)\w* (?:[\w-]+ ){0,2}?(?:with |of |involving )?"
               r"(?:a |an )?(?:children|child|kids|kid|minors?|underage|preteens?|toddlers?)\b|"
               r"\b(?:get|make|convince|persuade|ask|pressure|groom|trick)\w* "
               r"(?:a |an |the |my |this |that )?(?:child|kid|minor|preteen|\d+[- ]year[- ]old|"
               r"underage [\w-]+)s? (?:[\w'-]+ ){0,4}?(?:nudes?|naked|sexual|sex|explicit)"),
    ],
    "harassment_act": [(0.75, (rf"\b{_HARASS}\b", rf" (?:{_QUANT})?{HUMAN}"))],
    "property": [
        (0.7, (rf"\b{_PROPERTY_VERB}\b",
               rf" (?:{W}){{0,2}}?{HUMAN_POSS}(?:{W}){{0,2}}?{_PROPERTY}\b")),
    ],
    "theft_crime": [
        (0.8, (rf"\b{_COMMIT}\b", rf" (?:an? |the |some )?(?:{W}){{0,2}}?(?:{_EVENT})\b"
                                  rf"(?! (?:{_NOT_EVENT})\b)")),
        (0.7, r"\bsteal(?:s|ing)? (?:without (?:getting|being) caught|"
              r"from (?:a |the |my |his |her |their |people|someone|stores?|shops?|work|my job|"
              r"[\w-]+'s)|(?!(?:[\w'-]+ ){0,2}?"
              r"(?:show|hearts?|spotlight|limelight|scene|thunder|bases?|ball|glances?|looks?|kiss|"
              r"kisses|moments?|march|ideas?|attention|headlines?|jokes?|boyfriend|girlfriend|time|"
              r"a minute|a nap|sleep|peeks?|bites?|husband|wife|partner|man|woman|crush|breath|"
              r"my heart)\b)(?:a|an|the|some|someone's|somebody's|people's|my|his|her|their|cars?|"
              r"money|cash|[\w-]+'s)\b)"),
        (0.8, r"\brob(?:s|bing)? (?:a|an|the|some|someone|somebody|people|banks?|stores?|houses?|"
              r"[\w-]+'s)\b(?! cradle)(?![^.?!\n]{0,25}\bof\b)"),
        (0.75, r"\b(?:burgl(?:e|es|ing)|burglari[sz](?:e|es|ing)|shoplift(?:ing)?|"
               r"pickpocket(?:ing)?|carjack(?:ing)?|hot-?wir(?:e|es|ing)|hijack(?:s|ing)? "
               r"(?:a |the )?(?:car|plane|truck|bus|van|ship|lorry))\b"),
        (0.75, r"\bbreak(?:s|ing)? (?:in ?to|into|open) (?!my (?:own )?(?:car|house|home|flat|"
               rf"apartment|room|locker|phone|laptop|account)\b)(?:{W}){{0,3}}?(?:{_BUILDING}|"
               r"safes?|atms?|lockers?|museum|warehouse|office|school|home|houses|cars|store|"
               r"shop)\b"),
        (0.75, (rf"\b{_DISABLE}\b",
                r" (?:[\w-]+ ){0,2}?(?:alarms?|security (?:systems?|cameras?|guards?)|cctv|cameras|"
                r"motion sensors?) (?:in|on|of|at) (?:a |an |the |someone's |[\w-]+'s )"
                r"(?:[\w-]+ ){0,2}?(?:bank|vault|store|shop|house|home|museum|office|building|car|"
                r"jewel\w*|warehouse|casino|atm)s?\b")),
        (0.7, r"\bpick(?:s|ing)? (?:the |a )?locks? (?:on|of) (?:my neighbou?r'?s?|"
              r"(?:someone's|someones)|their|a (?:stranger's|strangers))"),
    ],
    "acquire": [
        (0.75, (rf"\b{_ACQUIRE}\b", rf" (?:[\w'-]+ ){{0,3}}?(?:{_DRUG})\b")),
        (0.75, r"\b(?:buy|get|getting|score|find|sell|smoke|make|cook)\w* "
               r"(?:some |a rock of |rocks of )?crack\b(?! (?:in|on|of|open|between|for|the|a)\b)"),
        (0.8, (rf"\b{_DEAL}\b", rf" (?:[\w'-]+ ){{0,3}}?(?:{_DRUG}|crack|pills|drugs)\b")),
        (0.8, (rf"\b{_MAKE_ARMS}\b", rf" (?:[\w'-]+ ){{0,3}}?(?:{_FIREARM})\b{_NOT_ARMS}")),
        (0.85, (rf"\b{_ACQUIRE}\b",
                rf" (?:[\w'-]+ ){{0,3}}?(?:{_FIREARM}|grenades?|explosives?)\b{_NOT_ARMS}"
                r"[^.?!\n]{0,40}\b(?:illegal(?:ly)?|without (?:a |any )?(?:background check|"
                r"licen[cs]e|permit|id|paperwork|serial)|black market|dark ?web|off the books|"
                r"under the table|untraceable|no questions asked|as a (?:felon|minor|teen|kid))")),
    ],
    # Methods asked for ("what's the quickest way to drown myself", "which pills let me die like
    # ..."); a statement ("i want to hurt myself") is no ask: the crisis floor of cues.py reads it.
    "selfharm_method": [
        (0.9, (_METHOD_START, rf"{_TO_METHOD}{{0,40}}?\b{_SELF_VERB} my ?self\b"
                              r"(?! (?:in|with|out|some|up|off|to sleep|a|an|the|over)\b)")),
        (0.9, (_METHOD_START, rf"{_TO_METHOD}{{0,40}}?\b{_OPEN_VEIN} (?:into |open )?my (?:own )?"
                              r"(?:[\w-]+ )?(?:arter(?:y|ies)|wrists?|veins?|throat|carotid|"
                              r"jugular|femoral)\b")),
        (0.85, (_METHOD_START, rf"{_TO_METHOD}{{0,40}}?\b(?:carv|cut|burn|scratch|etch|slic)\w* "
                               r"(?:[\w'-]+ ){0,3}?(?:into|on|in|across) my (?:own )?"
                               r"(?:arms?|legs?|thighs?|skin|wrists?|stomach|chest|body|hips?)\b")),
        (0.8, (_METHOD_START, rf"{_TO_METHOD}{{0,40}}?\b(?:die|dying|go out|"
                              r"end (?:my life|it all|it)|kill my ?self|overdose) like\b"
                              r"(?! (?:a|an|the) (?:light|champ|champion|boss|legend|hero|lamb|"
                              r"lion|dog|fly|flies|king|queen|warrior|soldier)\b)")),
    ],
    "privacy": [
        (0.75, (_PRIVATE_OWNER, rf" (?:[\w-]+ ){{0,2}}?(?:{_PRIVATE})\b")),
        (0.75, (rf"\b(?:{_PRIVATE})", rf" of (?:my (?:[\w-]+ )?(?:{_REL})|someone|somebody|"
                                     r"a stranger|strangers|other people|a random person|"
                                     r"this (?:girl|guy|woman|man|person))\b")),
        (0.7, r"\b(?:how much|what) (?:money )?(?:does|do|did) my (?:[\w-]+ ){0,2}?(?:earn|make|"
              r"get paid|have in (?:the bank|savings))\b"),
        (0.6, r"\b(?:is|are) my (?:[\w-]+ ){1,2}?(?:a (?:member of|part of) (?:a |the )?"
              r"(?:[\w-]+ )?(?:union|party)|gay|lesbian|bisexual|trans|transgender|pregnant|"
              r"hiv positive|an? (?:illegal|undocumented) (?:immigrant|alien))\b"),
    ],
    "discrimination": [
        (0.75, (rf"\b{_NORMATIVE}",
                r" (?:(?:society|us|everyone|the country|the world|all of us) )?(?:(?:that|if) )?"
                rf"(?:we )?(?:{_GW})?{_GROUP}[^.?!\n]{{0,80}}?\b(?:{_RESTRICT})\b")),
        (0.75, (rf"\b{_ARGUED}",
                rf" (?:it (?:is|was) (?:[\w-]+ ){{0,3}}?(?:for|that) (?:{_GW})?{_GROUP}|"
                rf"(?:{_GW})?{_GROUP}[^.?!\n]{{0,40}}?\b{_MODAL}\b)"
                rf"[^.?!\n]{{0,80}}?\b(?:{_RESTRICT})\b")),
        (0.75, (r"\bwhy (?:are|is)\b", rf" {_GROUP} (?:so |much |more |naturally |genetically |"
                                      rf"inherently |always )*(?:{_INFERIOR})\b")),
        (0.75, (r"\b(?:take|took|taking|strip|stripping|revoke|revoking|remove|removing|deny|"
                r"denying|restrict|restricting|abolish|abolishing)\w*",
                rf" (?:away )?{_GROUP}(?:'s?|s')? (?:[\w-]+ )?(?:{_RIGHTS})\b")),
        (0.75, (r"\b(?:discriminat\w+|segregat\w+)", rf" (?:against )?(?:{_GROUP})\b")),
        # Writing contempt for a group: "write a joke that mocks <group>", "<group> are vermin".
        (0.75, (rf"\b{_WRITE}\b",
                r" (?:[\w'-]+ ){0,3}?(?:jokes?|posts?|tweets?|speech|essay|article|messages?|rant|"
                r"poem|song|story|slogans?|memes?|insults?|propaganda|comments?|chants?)\b"
                r"[^.?!\n]{0,40}?\b(?:mock\w*|insult\w*|demean\w*|degrad\w*|hat(?:e|es|ing)|"
                r"ridicul\w*|belittl\w*|dehumani[sz]\w*|stereotyp\w*|against|about how|saying|"
                rf"claiming|arguing|that) (?:[\w'-]+ ){{0,3}}?{_GROUP}")),
        (0.7, (rf"\b(?:{_GROUP_NOUN}|people|persons|folks)\b",
               rf" (?:are|is) (?:all |just |nothing but |basically |really )?(?:{_INFERIOR})\b")),
        (0.75, (r"\btreat(?:s|ing)?\b",
                rf" {_GROUP} (?:like (?:they (?:were|are) )?(?:under|during|{_PAST_ERA})|"
                rf"(?:like|as(?: if)?) (?:they (?:were|are) )?(?:{_DEGRADED}))\b")),
    ],
    # Deceiving people at scale or into danger: card cloning, hoax emergency calls (swatting),
    # fake news, faked official messages and deepfakes that keep people from voting.
    "deception": [
        (0.8, r"\b(?:clon|skim|copy|copi)\w* (?:[\w'-]+ ){0,2}?(?:credit |debit |bank |people's |"
              r"someone's )?cards?\b|\bcard skimm\w*|\bskimming device"),
        (0.85, r"\b(?:hoax|fake|prank|false) (?:[\w-]+ ){0,2}?(?:emergency|911|999|112|police|"
               r"bomb threat|hostage|shooting) (?:calls?|reports?)\b|"
               r"\bswat(?:ting)? (?:someone|somebody|him|her|them|a |my |people)"),
        (0.7, (rf"\b{_WRITE}\b",
               r" (?:a |an |some |the )?(?:[\w-]+ )?(?:fake|false|made-up|fabricated|misleading|"
               r"bogus) (?:[\w-]+ )?(?:news|articles?|stor(?:y|ies)|reports?|stud(?:y|ies)|"
               r"statistics|evidence|reviews?|quotes?|posts?|press releases?)\b")),
        (0.6, r"\bspoof(?:s|ing)? (?:my |a |the |someone's )?(?:phone )?(?:number|caller id)"),
        (0.8, r"\b(?:stop|prevent|discourage|keep|scare|trick)(?:s|ping|ing)? (?:[\w-]+ ){0,3}?"
              r"(?:people|voters|them|residents|citizens) (?:[\w-]+ ){0,3}?(?:from )?"
              r"vot(?:e|ing)\b|"
              r"\b(?:people|voters) (?:[\w-]+ ){0,3}?(?:don't|dont|won't|wont|do not|will not) "
              r"vote\b"),
        (0.75, r"\bdeepfake\w* (?:[\w-]+ ){0,3}?(?:of|with|showing|impersonating) "
               r"(?:a |the |my |our )?(?:[\w-]+ )?(?:candidate|politician|president|mayor|senator|"
               r"minister|official|celebrity|ceo|boss|coworker|ex|teacher|classmate|someone|"
               r"person)|\bfake (?:[\w-]+ ){0,2}(?:texts?|messages?|posts?|notices?|letters?|"
               r"robocalls?|announcements?) (?:saying|claiming|telling)"),
    ],
    # Endorsing, denying or replicating atrocities; plain history questions read as history, and
    # so does a judgement the question gives to others ("why did its leaders think it was right").
    "atrocity": [
        (0.8, r"\bwhy (?:was|were|is|are|did)(?=[^.?!\n]{0,120}\b(?:attack|kill|invad|invasion|"
              r"shoot|massacre|genocide|slave|holocaust|bombing|terror|cleansing|apartheid|lynch|"
              r"conquest|extermina|murder|assassinat|war crime|deport|occupation|camp)\w*)"
              r"(?:(?!\b(?:think|thinks|thought|believed?|believes|consider(?:s|ed)?|claim(?:s|ed)?|"
              r"argue[sd]?|say|says|said|saw|seen|viewed|deemed|called|felt|according to|"
              r"in the eyes of)\b)[^.?!\n]){0,100}?\b(?:right|justified|a good thing|good|great|"
              r"beneficial|necessary|morally (?:right|justified|acceptable)|correct|heroic|"
              r"admirable)\b(?! (?:[\w'-]+ ){0,2}?(?:according to|in the eyes of)\b)"),
        (0.75, r"\b(?:benefits?|advantages?|upsides?|positives?|positive (?:sides?|aspects?)|"
               r"good (?:sides?|things)) (?:[\w'-]+ ){0,3}?(?:of|from|about) [^.?!\n]{0,40}?"
               rf"\b(?:{_MASS_ATROCITY})"),
        (0.75, r"\b(?:convinc|persuad|mak|get|tell|show|prov|argu|claim|demonstrat|teach)\w* "
               r"[^.?!\n]{0,80}?(?:never (?:happened|took place|existed|occurred)|(?:was|is|were) "
               r"(?:an? )?(?:complete |total |big |huge |elaborate )?(?:fabrication|hoax|lie|myth|"
               r"fake|made up|exaggerat\w*|invented|staged))"),
        (0.7, r"\b(?:overstat|exaggerat|inflat|lie about|make up|fake)\w* (?:what happened|"
              r"the (?:death toll|numbers? of (?:the )?(?:dead|deaths|victims)|"
              rf"(?:[\w-]+ )?(?:{_MASS_ATROCITY})))"),
        (0.75, (r"\b(?:replicat|repeat|recreat|re-creat|restor|reinstat|bring back|reviv|emulat|"
                r"copy|imitat|reproduc|redo)\w*", rf" [^.?!\n]{{0,60}}?\b(?:{_ATROCITY})\b")),
        (0.7, r"\b(?:use|adopt|copy|apply|emulate|borrow|follow)\w* (?:[\w'-]+ ){0,3}?(?:methods|"
              r"tactics|techniques|playbook|approach|strategy) (?:for|of|to|in) (?:dealing with|"
              r"handling|treating|getting rid of|silencing|eliminating|crushing|suppressing) "
              r"(?:[\w-]+ ){0,2}?(?:opponents|dissidents|critics|protesters|journalists|activists|"
              r"minorities|enemies)\b"),
        (0.85, r"\b(?:plan|arrange|cause|stage|repeat)\w* (?:another |a |the )?(?:death|killing|"
               r"murder|assassination|massacre|attack|shooting) like\b"),
    ],
}
