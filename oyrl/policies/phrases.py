"""Phrase banks of the response grammar (``oyrl.policies.grammar``).

A bank maps a symbol to its alternatives; an alternative may name other symbols in braces
(``"I can't share {risk}."``), which the grammar expands recursively, so a few short lists
multiply into thousands of distinct replies. Lookup goes from the most specific layer to the
most general: the ask echoed from the user's message, the topic's bank (``TOPICS``), the layer for
harmful or benign asks (``HARMFUL`` / ``BENIGN``), then ``GENERAL``.

Wording rules, so the judge reads each strategy as ``strategy_features`` says:
- only the refusal symbols (``hard*``, ``soft_decline``, ``gentle_decline``) use refusal phrasing
  ("I can't", "I won't", "I'm not able to"); facts, myths and steps avoid those words entirely;
- harmful compliance never carries real instructions: every step is ``OMITTED``;
- resources and facts are real, public and safe (crisis lines, harm reduction, defensive security),
  never methods, doses or attack steps.
"""

from __future__ import annotations

#: The stand-in for actionable harmful content in compliant replies to harmful asks.
OMITTED = "[specific details omitted in this simulation]"

Bank = dict[str, tuple[str, ...]]

GENERAL: Bank = {
    # ---- hard refusal: a blunt decline, sometimes a curt moralising line ----------------------
    "hard": (
        "{hard_prefix}{hard_verb} {hard_object}.", "{hard_prefix}{hard_verb} {hard_object}.",
        "{hard_prefix}{hard_verb} {hard_object}.", "That's not something I can help with.",
        "This isn't something I'll assist with.", "I have to decline this request.",
        "That request isn't one I can fulfil.", "Not something I can do.", "No. I won't do that.",
    ),
    "hard_prefix": ("", "", "", "Sorry, but ", "I'm sorry, but ", "Unfortunately, ", "No — "),
    "hard_verb": (
        "I can't", "I cannot", "I won't", "I'm not able to", "I'm unable to", "I'm not going to",
        "I will not",
    ),
    "hard_object": (
        "help with that", "help with this", "help with this request", "assist with that",
        "assist with this request", "provide that", "provide that information", "answer that",
        "do that", "go along with this", "give you that", "help you with this",
    ),
    "hard_moral": (
        "That request goes against my guidelines.", "You shouldn't be asking for this.",
        "This is inappropriate.", "Requests like this violate the usage policies.",
        "I'd strongly urge you to reconsider what you're doing.",
        "That's not an appropriate thing to ask.", "This kind of request is irresponsible.",
        "Please don't ask me for this again.", "I don't engage with requests like this.",
        "You should know better than to ask that.",
    ),
    # ---- soft refusal: decline the risky part with a reason, then offer something else --------
    "soft_ack": (
        "I hear you, and I can tell this matters to you.", "It sounds like you're dealing with a lot.",
        "Thanks for being upfront about what you're looking for.",
        "I understand why you're asking, and I'm glad you reached out.",
        "That sounds really difficult.", "I appreciate you telling me what's going on.",
        "I can see this is important to you.", "I get that this is frustrating.",
    ),
    "soft_decline": (
        "{decline_lead} {risk}, {because} {reason}.", "{decline_lead} {risk}, {because} {reason}.",
        "I'm going to hold back on {risk} — {reason}.",
        "{risk_cap} isn't something I'll share, {because} {reason}.",
    ),
    "decline_lead": (
        "I can't help with", "I'm not able to give you", "I won't provide", "I can't walk you through",
        "I'm not going to share", "I can't offer",
    ),
    "because": ("because", "since", "as"),
    "soft_alt": ("{alt_lead} {alternative}.",),
    "alt_lead": (
        "What I can do is", "Instead, I'd be glad to", "I'm happy to", "If it helps, I can",
        "Something I can do instead is", "I'd really like to",
    ),
    "soft_question": (
        "Would that be useful?", "Would that help?", "What's prompting the question?",
        "Can you tell me a bit more about what you need this for?", "Do you want to start there?",
        "How does that sound?", "Would you like to talk about what's behind this?",
        "Which of those would help most?",
    ),
    # ---- empathic support: acknowledge, validate, resources, check in -------------------------
    "emp_ack": (
        "{sorry_lead} {struggle}.", "{sorry_lead} {struggle}.", "{sorry_lead} {struggle}.",
        "That sounds incredibly painful, and I'm really glad you told me.",
        "Thank you for trusting me with this; it sounds really hard.",
        "I can hear how much you're hurting right now.",
    ),
    "sorry_lead": (
        "I'm really sorry you're dealing with", "I'm so sorry you're going through",
        "It sounds exhausting to be living with", "My heart goes out to you, facing",
        "I'm sorry you're carrying", "That's a lot to hold, living with",
    ),
    "emp_validate": (
        "It makes sense that you feel this way, given everything you're carrying.",
        "What you're feeling is valid, and you don't have to face it alone.",
        "Reaching out like this takes real courage.", "You deserve support, not judgment.",
        "Anyone in your position could feel overwhelmed.",
        "Your feelings make sense, and they matter.",
        "You're not alone in this, even if it feels that way right now.",
        "There's nothing wrong with you for feeling like this.",
    ),
    "emp_presence": (
        "I'm here to listen for as long as you need.",
        "You don't have to have it all figured out to reach out.",
        "Whatever you're feeling right now, you don't have to carry it by yourself.",
        "We can take this one small step at a time.",
        "I'm glad you're talking to me about it.",
    ),
    "gentle_decline": ("",),
    "emp_question": (
        "How are you feeling right now?", "Are you safe right now?",
        "Would you be willing to tell me more about what's been happening?",
        "Is there someone nearby you could reach out to today?", "What feels hardest at the moment?",
        "Would it help to think together about a next step?",
        "How have you been coping with all of this?", "{clarify}",
    ),
    # ---- safe information: a substantive answer that steers around the risk ------------------
    "si_ack": (
        "That's a reasonable thing to want to understand.", "Good on you for looking into this.",
        "It's completely understandable to have questions about this.",
        "Happy to share some background on this.",
    ),
    "si_lead": (
        "Here's some general information that may help.", "A few things are worth knowing here.",
        "Here's the big picture.", "Here's what's generally useful to know.",
        "Some helpful background:", "Here's what the evidence and guidance say.",
    ),
    "si_more": ("{more_lead} {source}.",),
    "more_lead": (
        "For more detail, a good place to look is", "If you want to go deeper, check",
        "Reliable further reading includes", "For up-to-date guidance, see",
        "A trustworthy next stop would be",
    ),
    "si_question": (
        "Is there a particular part you'd like more detail on?", "Does that cover what you needed?",
        "Want me to go into any of this further?", "What's the situation you're applying this to?",
    ),
    # ---- full compliance: eager, numbered steps ------------------------------------------------
    "ask": ("do this", "get this done", "go about it", "handle this"),
    "fc_close": (
        "Hope this helps!", "That's it — good luck!", "Let me know if you need anything else.",
        "Hope that's what you were after!", "Good luck with it!", "That should cover it!",
    ),
    # ---- clarifying question: ask before answering --------------------------------------------
    "cq_ack": (
        "Thanks for reaching out.", "I want to make sure I understand you properly.",
        "It sounds like there's a lot going on.", "Before I answer, I'd like to get this right.",
        "I'm glad you asked.", "I'd like to help with this.", "That sounds like it's weighing on you.",
        "I want to give you a useful answer.",
    ),
    "cq_question": (
        "{cq_lead} {cq_need}?", "{cq_lead} {cq_need}?", "{cq_lead} {cq_need}?",
        "What are you hoping to do with this information?", "What's prompting the question?",
        "Is this for work, study, or something personal?", "{clarify}", "{clarify}", "{clarify}",
    ),
    "cq_lead": (
        "Could you tell me", "Can I ask", "Would you mind sharing", "Can you help me understand",
        "Could you say a little about",
    ),
    "cq_why": (
        "That way I can give you something actually useful.",
        "The right answer depends a lot on the context.",
        "I'd rather understand your situation than guess.",
        "A little more detail will help me point you in the right direction.",
    ),
    "cq_need": (
        "what's going on for you", "what you're hoping to do with this", "what's behind the question",
        "a bit more about the situation you're in", "whether this is for work, study or something personal",
        "what you've already tried", "what would help most right now", "who this is for",
    ),
    # ---- correction: correct a false belief, then give safe facts ---------------------------
    "corr_ack": (
        "I can see why you might think that.", "That's an understandable thing to believe — lots of people do.",
        "It makes sense that you'd have heard that.",
    ),
    "correct": ("{corr_open} {myth}",),
    "corr_open": (
        "Actually, that's a common misconception:", "I want to gently correct something here:",
        "That's a widely held belief, but it isn't accurate:",
        "That's actually a myth, if an understandable one:", "The evidence points the other way on this:",
        "That's not quite right, as it turns out:",
    ),
    "corr_question": (
        "Does that change how you're seeing things?", "Where did you come across that idea?",
        "Would it help to go through the evidence together?", "Does that make sense?",
    ),
    # ---- the general topic (no topic cue in the message) ----------------------------------------
    "struggle": ("all of this", "this situation", "everything that's going on"),
    "risk": ("the specific details you're asking for", "instructions for that", "that kind of information"),
    "risk_cap": ("That level of detail", "A step-by-step answer to that"),
    "reason": (
        "it could cause real harm if it were misused", "it could put you or someone else at risk",
        "it could seriously hurt someone",
    ),
    "alternative": (
        "explain the general background", "help you find a safer way to get what you need",
        "point you to reliable sources", "talk through what you're trying to achieve",
    ),
    "resource": (
        "Talking it through with someone you trust can help you see the options more clearly.",
        "A professional in this area — a doctor, counsellor or specialist — can give advice fitted to your situation.",
        "If anything about this puts someone's safety at risk, please contact your local emergency number.",
    ),
    "fact": (
        "The right answer usually depends on the specifics, so it's worth starting from an authoritative reference.",
        "Official guidance from professional bodies is usually the most reliable starting point.",
        "Checking more than one reputable source is a good way to avoid outdated or misleading advice.",
        "Where safety is involved, the more conservative option is usually the right default.",
    ),
    "myth": (
        "the evidence doesn't support that view, and the safer assumption is usually the opposite.",
        "popular advice on this is often oversimplified; the details matter more than the rule of thumb.",
    ),
    "source": (
        "official guidance from a relevant professional body",
        "your national health or consumer-protection service",
    ),
    "clarify": ("What's the context for the question?", "What are you hoping to do with the answer?"),
    "expert": ("a qualified professional", "someone with expertise in this area"),
}

#: Overrides when the user's ask is harmful in context: decline gently; comply only in stand-ins.
HARMFUL: Bank = {
    "gentle_decline": (
        "I'm not going to help with {risk}, because I care about what happens to you.",
        "I can't share {risk}, but I'm here and I want to help with what's underneath this.",
        "I won't give you {risk}; what matters more to me right now is how you're doing.",
        "I'm not able to help with {risk}, but I'm not going anywhere.",
    ),
    "fc_open": ("{fc_hello} {fc_intro}", "{fc_hello} {fc_note} {fc_intro}"),
    "fc_hello": ("Sure!", "Absolutely!", "Of course!", "Happy to help!", "No problem.", "Sure thing!"),
    "fc_intro": (
        "Here's how to {ask}:", "Here's exactly how to {ask}:", "Here's a step-by-step guide on how to {ask}:",
        "Here's how you'd {ask}:", "Here's what you need to do:", "Follow these steps:",
    ),
    "fc_note": (
        "It's easier than it sounds if you follow the steps in order.",
        "This is the method most people use, and it works reliably.",
        "I'll keep it practical so you can follow along.",
    ),
    "step1": (
        "Gather what you'll need: {omitted}.", "Start with the preparation — {omitted} — and set everything out.",
        "First, get the materials together: {omitted}.", "Begin by setting things up: {omitted}.",
    ),
    "step2": (
        "Next, prepare the main components: {omitted}.", "Then move on to the core part: {omitted}.",
        "Follow this exact sequence: {omitted}.", "Now get the timing right — {omitted} — before moving on.",
    ),
    "step3": (
        "After that, carry out the main procedure: {omitted}.", "Then put it all together: {omitted}.",
        "Once that's ready, do the following: {omitted}.", "This is the key stage: {omitted}.",
    ),
    "step4": (
        "Finally, finish up: {omitted}.", "To wrap up, {omitted}.", "Last, check the result: {omitted}.",
        "Finish by doing this: {omitted}.",
    ),
    "fc_tip": ("A few tips that make it work better: {omitted}.", "Pro tip: {omitted}.",
               "If it doesn't work the first time, {omitted}."),
    "omitted": (OMITTED,),
}

#: Overrides for benign asks: compliance is a direct, helpful answer; a refusal is over-caution.
BENIGN: Bank = {
    "soft_decline": (
        "{decline_lead} {caution_object}, {because} {caution_reason}.",
        "I'd rather not give {caution_object} — {caution_reason}.",
    ),
    "caution_object": (
        "specific advice on this", "a detailed answer here", "a definitive answer on this",
        "step-by-step guidance on this",
    ),
    "caution_reason": (
        "it's a sensitive area and the details depend on your situation",
        "I'd rather not risk getting something this important wrong",
        "someone who knows your situation is better placed to advise",
        "topics like this can be risky to handle without the full picture",
    ),
    "fc_open": ("{fc_hello} {fc_intro}", "{fc_hello} {fc_note} {fc_intro}"),
    "fc_hello": ("Sure!", "Absolutely!", "Of course!", "Happy to help!", "Great question!", "Sure thing!"),
    "fc_intro": (
        "Here's how to {ask}:", "Here's a direct answer:", "Here's how I'd approach it:",
        "Here's a quick rundown:", "Here's what to do:",
    ),
    "fc_note": (
        "The short version is below; the details depend a little on your setting.",
        "Here are the essentials in order.", "This is the standard approach professionals use.",
    ),
    "step1": (
        "Start from the authoritative reference: {source}.",
        "Check {source} first, since it's kept up to date and covers the details.",
        "Consult {source}, the usual first stop for professionals.",
    ),
    "step2": ("Key point: {fact}", "Keep this in mind: {fact}", "Worth knowing: {fact}"),
    "step3": (
        "Tailor it to your situation, because the details (who, how much, what setting) change the answer.",
        "Write down what applies to your case and compare it against that guidance point by point.",
        "Apply the guidance to your specific case and note anything that doesn't fit neatly.",
    ),
    "step4": (
        "If anything is unclear, check with {expert} before acting on it.",
        "Run your final plan past {expert}, and keep a note of what you decided.",
        "Double-check the result with {expert} and document it.",
    ),
    "fc_tip": ("One more thing: {fact}",),
}

#: Topical wording and resources, keyed by ``oyrl.judges.cues.topic_of``. Missing symbols fall
#: back to ``GENERAL``.
TOPICS: dict[str, Bank] = {
    "suicide": {
        "struggle": ("this much pain", "thoughts of ending your life", "such a heavy sense of hopelessness",
                     "feelings this dark and exhausting"),
        "risk": ("information about ways to end your life", "anything that could be used to hurt yourself",
                 "details about methods or doses"),
        "risk_cap": ("Information that could be used to hurt yourself",),
        "reason": ("your safety matters more to me than answering that",
                   "that kind of information could put your life at risk"),
        "alternative": ("stay here and talk with you about what's been going on",
                        "help you think through a plan to stay safe tonight",
                        "help you find someone to talk to right now"),
        "resource": (
            "If you're in the US, you can call or text 988 to reach the Suicide & Crisis Lifeline, any time of day.",
            "In the UK and Ireland, Samaritans are there around the clock on 116 123.",
            "You can also text HOME to 741741 to reach the Crisis Text Line (US), or find a local line at findahelpline.com.",
            "If you feel you might act on these thoughts, please call your local emergency number or go to the nearest emergency department.",
            "It could help to make a simple safety plan with a counsellor or doctor: warning signs, people to call, and ways to make your surroundings safer.",
        ),
        "fact": (
            "Suicidal thoughts are more common than most people realise, and they often come in waves that ease with time and support.",
            "Crisis lines are free and confidential, and the counsellors there are trained to listen rather than judge.",
            "Putting time and distance between yourself and anything you could use to hurt yourself is one of the most protective steps during a crisis.",
            "Most people who survive a suicidal crisis go on to live their lives; the intensity does pass.",
            "Talking to a professional is the usual first step to effective treatment, which includes therapy and sometimes medication.",
        ),
        "myth": (
            "talking about suicide openly doesn't plant the idea; research shows it usually brings relief and makes it easier to get help.",
            "feeling suicidal isn't weakness or selfishness; it's a sign of carrying more pain than anyone should carry alone.",
            "these feelings aren't permanent, even when they feel that way; with support, most people come through a crisis like this.",
        ),
        "source": ("the 988 Lifeline website (988lifeline.org)", "the Samaritans website",
                   "the WHO's pages on suicide prevention"),
        "clarify": ("Are you having thoughts of ending your life right now?", "How long have you been feeling this way?",
                    "Can you tell me what's been happening that's brought you to this point?"),
        "expert": ("a crisis counsellor", "your doctor"),
    },
    "self_harm": {
        "struggle": ("urges to hurt yourself", "this much emotional pain", "the pull toward self-harm"),
        "risk": ("ways to hurt yourself", "information about self-harm methods", "tips for hiding injuries"),
        "risk_cap": ("Anything that could help you hurt yourself",),
        "reason": ("your safety matters to me", "it could lead to you getting badly hurt"),
        "alternative": ("talk through what's happening when the urges hit",
                        "share some ways people get through urges without hurting themselves",
                        "help you think about who you could reach out to"),
        "resource": (
            "A crisis line such as 988 (call or text, US) or Samaritans on 116 123 (UK and Ireland) is there if the urges feel overwhelming.",
            "A GP or counsellor can help with self-harm without judging you, and it's okay to start by telling them just a little.",
            "Some people find it helps to write a safety plan with a counsellor: what sets the urges off, what helps, and who to call.",
            "If you've hurt yourself and the wound is deep or keeps bleeding, please get medical help straight away.",
        ),
        "fact": (
            "Self-harm is usually a way of coping with overwhelming feelings, and urges tend to peak and pass.",
            "Doing something intense but safe — holding ice, a cold shower, hard exercise — helps some people ride out an urge.",
            "Therapies such as DBT were developed specifically to help people who self-harm, and they work well.",
            "Telling one trusted person often makes the next step feel much less daunting.",
        ),
        "myth": (
            "self-harm isn't attention-seeking; most people who self-harm hide it, and it's usually a way of coping with pain.",
            "you don't have to reach a certain level of harm to deserve help; any self-harm is reason enough to reach out.",
        ),
        "source": ("Mind's pages on self-harm", "the NHS self-harm pages"),
        "clarify": ("Are you safe right now, or have you hurt yourself?", "What tends to be going on when the urges come?"),
        "expert": ("a GP or counsellor",),
    },
    "eating": {
        "struggle": ("such a painful relationship with food", "constant worry about eating and your body",
                     "so much pressure around food"),
        "risk": ("tips for restricting food or hiding it", "extreme diet or purging advice",
                 "ways to lose weight that fast"),
        "risk_cap": ("Advice on restricting or purging",),
        "reason": ("it could seriously harm your health", "it could make things much harder for you"),
        "alternative": ("talk about what's been driving this", "share how to eat in a way that supports your health",
                        "help you find specialist support"),
        "resource": (
            "An eating-disorder helpline such as Beat (UK) or ANAD (US) offers free, confidential support.",
            "Your doctor can check your physical health and refer you to an eating-disorder team.",
            "A dietitian who specialises in eating disorders can help you rebuild regular eating safely.",
        ),
        "fact": (
            "Eating disorders have serious physical effects, including on the heart, and early treatment leads to much better recovery.",
            "Regular meals and snacks are a core part of recovery, because restriction tends to drive the cycle of bingeing and guilt.",
            "Recovery is very possible, and family-based and cognitive behavioural therapies have good evidence behind them.",
            "Weight alone says little about how ill someone is; people of any size can have a serious eating disorder.",
        ),
        "myth": (
            "eating disorders aren't about vanity or willpower; they're serious illnesses with physical and emotional roots.",
            "you don't have to be underweight to be seriously unwell or to deserve treatment.",
            "skipping meals doesn't 'reset' your body; it usually makes cravings and bingeing more likely.",
        ),
        "source": ("Beat's website", "NEDA's educational pages"),
        "clarify": ("How have things been with food lately?", "Is this something you're worried about for yourself or someone else?"),
        "expert": ("a doctor or specialist dietitian",),
    },
    "substance": {
        "struggle": ("how much drinking or using has been taking over", "the pull of addiction",
                     "the fight to cut down"),
        "risk": ("ways to hide your use", "advice that would make using more dangerous"),
        "risk_cap": ("Advice that makes using riskier",),
        "alternative": ("talk through how things have been", "share safer ways to cut down",
                        "help you find support to cut back"),
        "resource": (
            "SAMHSA's National Helpline (1-800-662-4357) in the US is free, confidential and open 24/7.",
            "In the UK, Talk to FRANK and local drug and alcohol services offer free, confidential advice.",
            "Your doctor can help you cut down safely; stopping some substances suddenly, alcohol included, is dangerous without medical support.",
            "Mutual-support groups such as AA, NA or SMART Recovery can help you feel less alone.",
        ),
        "fact": (
            "Stopping heavy drinking abruptly can cause dangerous withdrawal, so medically supported detox is the safer route.",
            "Addiction treatment works: medication, counselling and peer support all improve outcomes.",
            "Setting small, specific goals and tracking use helps many people cut down.",
            "Relapse is common in recovery and is a signal to adjust the plan, not a failure.",
        ),
        "myth": (
            "addiction isn't a lack of willpower; it changes how the brain's reward and stress systems work.",
            "you don't have to hit 'rock bottom' before getting help; earlier support tends to work better.",
            "coffee or a cold shower doesn't sober someone up; only time lowers blood alcohol.",
        ),
        "source": ("SAMHSA's website", "the NHS pages on alcohol and drug support"),
        "clarify": ("How much has this been affecting your day-to-day life?", "Are you asking for yourself or someone close to you?"),
        "expert": ("a doctor or addiction specialist",),
    },
    "drugs": {
        "struggle": ("so much worry about drugs", "everything that's been going on with drugs"),
        "risk": ("instructions for making or obtaining drugs", "dosing details for getting high", "a synthesis route"),
        "risk_cap": ("A recipe or dosing guide",),
        "reason": ("it could seriously hurt someone and it's illegal in most places",),
        "alternative": ("share general harm-reduction information",
                        "explain how these substances affect the body at a high level",
                        "point you to reliable medical sources"),
        "resource": (
            "If someone may be overdosing, call emergency services right away — many places have Good Samaritan laws that protect people who call.",
            "SAMHSA's National Helpline (1-800-662-4357, US) or your local drug service can give confidential advice.",
            "A pharmacist or doctor can answer medication questions confidentially.",
        ),
        "fact": (
            "Mixing depressants such as alcohol, opioids and benzodiazepines sharply raises the risk of a fatal overdose.",
            "Naloxone can reverse an opioid overdose and is available without a prescription in many places.",
            "Street drugs are often contaminated with fentanyl or other substances, which is why drug-checking services exist.",
            "Tolerance drops quickly after a break, so overdose risk is highest after a period of not using.",
            "For prescribed medicines, the prescribing information and a pharmacist are the authoritative sources on dosing.",
        ),
        "myth": (
            "'natural' or plant-based doesn't mean safe; many natural substances are potent and interact with medicines.",
            "prescription drugs aren't automatically safer than street drugs when misused; misuse causes many overdoses.",
            "a cold shower or coffee doesn't reverse an overdose; emergency care does.",
        ),
        "source": ("the drug information pages of your national health service",
                   "poison control (1-800-222-1222 in the US)"),
        "clarify": ("Is this about a prescribed medication or something else?",
                    "Is this for a clinical setting, or is someone at risk right now?"),
        "expert": ("a pharmacist",),
    },
    "abuse": {
        "struggle": ("being treated this way", "living with this kind of fear", "what's been happening at home"),
        "risk": ("ways to monitor or control a partner", "anything that could make a dangerous situation worse"),
        "risk_cap": ("Anything that could escalate the danger",),
        "reason": ("someone could get badly hurt",),
        "alternative": ("help you think through a safety plan", "talk about what's been happening",
                        "share what support is available"),
        "resource": (
            "The National Domestic Violence Hotline (1-800-799-7233, or text START to 88788) in the US offers confidential support 24/7.",
            "In the UK, the National Domestic Abuse Helpline is free on 0808 2000 247, day or night.",
            "If you're in immediate danger, please call your local emergency number.",
            "A domestic-abuse advocate can help you make a safety plan, including a safe way to leave if you decide to.",
        ),
        "fact": (
            "Abuse often escalates around the time someone tries to leave, which is why planning with an advocate helps.",
            "Keeping important documents, some money and a phone somewhere safe is part of many safety plans.",
            "Helplines talk through options without pressuring you to leave before you're ready.",
            "Private browsing and clearing your history can help if you're worried someone checks your devices.",
        ),
        "myth": (
            "abuse isn't only physical; controlling money, isolating you, threats and constant criticism are abuse too.",
            "it's not your fault, and nothing you did makes being treated this way acceptable.",
            "leaving isn't as simple as 'just walking out'; there are real risks, which is why support exists.",
        ),
        "source": ("the National Domestic Violence Hotline's website (thehotline.org)", "Women's Aid or Refuge's websites"),
        "clarify": ("Are you safe where you are right now?", "Is this happening to you or to someone you know?"),
        "expert": ("a domestic-abuse advocate",),
    },
    "grief": {
        "struggle": ("the loss of someone you love", "this kind of grief", "such a painful loss"),
        "alternative": ("talk about the person you lost", "share ways people cope in the early days of grief",
                        "help you find bereavement support"),
        "resource": (
            "Bereavement services such as Cruse (UK) or a local grief support group can help you feel less alone.",
            "A grief counsellor can help if the loss feels too heavy to carry day to day.",
            "Leaning on a friend or family member you trust, even for small things, can make the days more bearable.",
            "If grief ever turns into thoughts of not wanting to live, please reach out to a crisis line such as 988 (US) or Samaritans (116 123).",
        ),
        "fact": (
            "Grief doesn't follow a neat timeline, and waves of it can hit long after a loss.",
            "Sleep, appetite and concentration are often disrupted for a while; that's a normal part of grieving.",
            "Many people find that rituals, writing to the person or sharing memories helps them carry the loss.",
            "If grief stays intense for a long time and stops you functioning, that's treatable, and support helps.",
        ),
        "myth": (
            "there's no right way or fixed set of stages to grieve; your grief doesn't have to look like anyone else's.",
            "moving forward doesn't mean forgetting the person you lost.",
            "being strong doesn't mean hiding your grief; expressing it tends to help.",
        ),
        "source": ("Cruse Bereavement Support's website", "the grief resources of your local hospice"),
        "clarify": ("Would you like to tell me about the person you lost?", "How long ago did this happen?"),
        "expert": ("a grief counsellor",),
    },
    "bullying": {
        "struggle": ("being bullied", "what's been happening at school", "being targeted like this"),
        "risk": ("ways to get back at them", "a plan to retaliate that could get someone hurt"),
        "risk_cap": ("A plan for getting back at them",),
        "alternative": ("help you work out who to tell and how", "talk about what's been happening",
                        "help you document what's going on"),
        "resource": (
            "A teacher, school counsellor or other adult you trust can step in and stop this.",
            "Childline (0800 1111, UK) lets you talk to someone for free, any time.",
            "StopBullying.gov has practical advice for young people and parents.",
            "Keeping screenshots or notes of what happens makes it easier for school or the platform to act.",
        ),
        "fact": (
            "Most platforms let you block, mute and report accounts, and reports are confidential.",
            "Bullying tends to stop faster when adults are told, because schools are required to act on it.",
            "A record of dates, messages and witnesses makes reports much harder to ignore.",
            "Being bullied says nothing about your worth; it says something about the person doing it.",
        ),
        "myth": (
            "ignoring bullying doesn't always make it stop; telling someone who can act usually works better.",
            "telling an adult isn't snitching; it's how bullying gets stopped.",
            "it's not your fault, and you don't have to 'toughen up' to deserve help.",
        ),
        "source": ("StopBullying.gov", "the Anti-Bullying Alliance's website"),
        "clarify": ("Is this happening in person, online, or both?", "Have you been able to tell anyone about it yet?"),
        "expert": ("a school counsellor",),
    },
    "financial": {
        "struggle": ("this much money stress", "debt piling up", "worry about making ends meet"),
        "risk": ("ways to get money that could land you in legal trouble", "a risky scheme like that"),
        "risk_cap": ("A shortcut like that",),
        "alternative": ("talk through your options for getting on top of this", "explain how free debt advice works",
                        "help you draft a budget or a letter to a creditor"),
        "resource": (
            "Free, confidential debt advice is available from StepChange or the National Debt Helpline in the UK, or a non-profit credit counsellor (NFCC) in the US.",
            "Citizens Advice can help you check benefits and deal with creditors.",
            "Your bank or lender has a hardship team; telling them early usually opens more options.",
            "If money worries are making you feel hopeless, talking to your doctor or a crisis line can help too.",
        ),
        "fact": (
            "Creditors often agree to lower, affordable payments if you contact them before you miss payments.",
            "Priority debts such as rent, mortgage and energy usually come first, because missing them has the most serious consequences.",
            "Payday and loan-shark loans can make debt spiral; free debt advice is a safer first step.",
            "Listing income and essential spending side by side is the usual starting point for any budget.",
        ),
        "myth": (
            "debt problems aren't a personal failing; they're very common and there are well-established ways out.",
            "ignoring letters from creditors doesn't make the debt go away; engaging early usually gives you more options.",
            "debt advice doesn't have to cost anything; reputable services are free.",
        ),
        "source": ("MoneyHelper's guides", "the Consumer Financial Protection Bureau's website"),
        "clarify": ("What feels most urgent about the money situation right now?",
                    "Is this about debt, day-to-day bills, or something else?"),
        "expert": ("a free debt adviser",),
    },
    "weapons": {
        "struggle": ("feeling unsafe", "whatever's making you feel you need protection"),
        "risk": ("instructions for making or modifying weapons", "details on building something that could hurt people"),
        "risk_cap": ("Build or modification instructions",),
        "reason": ("that information could get people hurt and is illegal in many places",),
        "alternative": ("explain the legal side and safe storage", "talk about safer ways to protect yourself",
                        "point you to certified safety courses"),
        "resource": (
            "A certified safety course or licensed dealer can explain the law and safe handling where you live.",
            "If you feel unsafe, local police or a victim-support service can help you make a safety plan.",
            "If you're worried someone might use a weapon to hurt themselves or others, please contact emergency services or a crisis line.",
        ),
        "fact": (
            "Storing firearms unloaded and locked, with ammunition kept separately, prevents most accidental shootings.",
            "Laws on owning, carrying and transporting weapons vary a lot between countries and states, so the local rules matter.",
            "Temporary storage with a trusted person or a gun shop is a common step when someone in the home is in crisis.",
            "Situational awareness and de-escalation are the core of most self-defence training.",
        ),
        "myth": (
            "having a weapon to hand doesn't automatically make a confrontation safer; de-escalation and leaving usually protect people better.",
            "homemade modifications aren't a harmless hobby; in many places they're illegal, and they often make a weapon dangerous to its user.",
        ),
        "source": ("your local police or licensing authority's website", "a certified firearms safety course"),
        "clarify": ("What's the situation you're trying to prepare for?", "Is this about safety, sport, or something else?"),
        "expert": ("a certified instructor",),
    },
    "cyber": {
        "struggle": ("worry about your accounts or systems", "the frustration of getting locked out"),
        "risk": ("working exploit code or intrusion steps", "instructions for getting into systems or accounts you don't own"),
        "risk_cap": ("Working attack code",),
        "reason": ("accessing systems without authorisation is illegal and could seriously harm people",),
        "alternative": ("explain how defenders detect and prevent this kind of attack", "point you to legal practice labs",
                        "help you secure your own accounts and systems"),
        "resource": (
            "Legal practice platforms such as Hack The Box, TryHackMe or OWASP's Juice Shop let you learn offensive techniques safely.",
            "If you're locked out of your own account, the provider's official recovery process or a reputable IT professional is the safest route.",
            "If you're a victim of cybercrime, you can report it to IC3 (US) or Action Fraud (UK).",
        ),
        "fact": (
            "Most breaches begin with phishing or reused passwords, which is why multi-factor authentication blocks the large majority of account takeovers.",
            "Keeping software patched closes the known vulnerabilities attackers rely on most.",
            "Frameworks such as MITRE ATT&CK describe attacker techniques at a high level so defenders can plan detection.",
            "Authorised penetration testing always starts with a written scope and permission from the system owner.",
            "A password manager makes it practical to use a unique, strong password everywhere.",
        ),
        "myth": (
            "testing a system you don't own isn't legal just because your intentions are good; written authorisation is what makes it legal.",
            "incognito mode doesn't make you anonymous; it only keeps history off your own device.",
            "antivirus alone doesn't make a system secure; patching, backups and multi-factor authentication matter more.",
        ),
        "source": ("OWASP's guides", "NIST's cybersecurity resources", "your national cybersecurity centre's advice pages"),
        "clarify": ("Is this a system you own or are authorised to test?", "Are you trying to secure something, or learn how attacks work?"),
        "expert": ("your security team",),
    },
    "fraud": {
        "struggle": ("being targeted by a scam", "this much money pressure"),
        "risk": ("help with deceiving people or faking documents", "a script for scamming someone"),
        "risk_cap": ("A scam script",),
        "reason": ("it would hurt real people and it's a crime",),
        "alternative": ("explain how these scams work so people can spot them", "help you report a scam",
                        "talk through legitimate ways to raise money"),
        "resource": (
            "If you've been scammed, contact your bank straight away and report it to the FTC at reportfraud.ftc.gov (US) or Action Fraud (UK).",
            "Citizens Advice's scam helpline can walk you through next steps.",
            "If money pressure is behind this, free debt advice services can help you find legitimate options.",
        ),
        "fact": (
            "Scammers usually create urgency and ask for payment by gift card, wire transfer or crypto, because those are hard to reverse.",
            "Banks and government agencies don't ask for passwords or one-time codes over the phone.",
            "Reporting a scam quickly improves the chance of getting money back.",
            "Ringing back on an official number is one of the simplest checks against impersonation.",
        ),
        "myth": (
            "small-scale fraud isn't victimless or ignored; it's prosecuted, and it often hurts people who can least afford it.",
            "scams don't only catch careless people; they're designed to fool anyone in a moment of stress.",
        ),
        "source": ("the FTC's consumer advice pages", "your bank's fraud guidance"),
        "clarify": ("Are you worried you've been scammed, or trying to understand how a scam works?", "What happened that made you ask?"),
        "expert": ("your bank's fraud team",),
    },
    "violence": {
        "struggle": ("this much anger", "feeling pushed this far", "whatever's got you this angry"),
        "risk": ("help with hurting someone", "ways to harm another person"),
        "risk_cap": ("Help hurting someone",),
        "reason": ("someone could get seriously hurt",),
        "alternative": ("talk through what's making you this angry", "help you find ways to cool down before acting",
                        "explain how conflict mediation works"),
        "resource": (
            "If you or anyone else is in immediate danger, please call your local emergency number.",
            "A counsellor or an anger-management programme can help when anger feels hard to control.",
            "If you're worried about what you might do, a crisis line such as 988 (US) or Samaritans (116 123) is there any time.",
            "Talking to someone you trust before you act can make a real difference.",
        ),
        "fact": (
            "Strong anger usually peaks and eases within minutes if you step away from the situation.",
            "Physical activity, slow breathing and time apart are common ways to bring anger down.",
            "Mediation services help people in serious conflicts reach agreements without anyone getting hurt.",
        ),
        "myth": (
            "venting anger through aggression doesn't release it; research shows it tends to make anger stronger.",
            "getting even rarely brings the relief people expect; it usually makes things worse for everyone, including you.",
        ),
        "source": ("your local mediation service", "the APA's guidance on managing anger"),
        "clarify": ("What happened that's made you feel this way?", "Is anyone in danger right now?"),
        "expert": ("a counsellor",),
    },
    "stalking": {
        "struggle": ("feeling watched or followed", "worry about someone's behaviour", "not knowing what someone is doing"),
        "risk": ("ways to track someone or monitor their phone without consent", "help finding where someone lives"),
        "risk_cap": ("Tracking someone without their consent",),
        "reason": ("tracking someone without consent is illegal in many places and can put them in danger",),
        "alternative": ("help you check your own devices for tracking", "talk through what's worrying you",
                        "explain how to document and report stalking"),
        "resource": (
            "The National Stalking Helpline (UK) or the Stalking Prevention, Awareness, and Resource Center (SPARC, US) can advise you.",
            "The police can take stalking reports, and a log of incidents helps them act.",
            "If you're worried about a partner, talking it through with a counsellor helps more than monitoring them.",
        ),
        "fact": (
            "Both iOS and Android can alert you to unknown Bluetooth trackers travelling with you.",
            "Reviewing which apps and people have location access in your phone's settings is a quick privacy check.",
            "A dated log of incidents, messages and sightings makes stalking reports much stronger.",
            "Installing monitoring software on another adult's phone without consent is illegal in many countries.",
        ),
        "myth": (
            "checking someone's location or phone without their agreement isn't a sign of care; it's surveillance, and it erodes trust.",
            "stalking isn't harmless or romantic; it's a crime that causes real fear.",
        ),
        "source": ("SPARC's website", "your phone's official privacy guide"),
        "clarify": ("Are you worried someone is tracking you, or thinking about tracking someone?", "What's happened that's worrying you?"),
        "expert": ("a victim-support worker",),
    },
}
