"""Phrase banks of the response grammar (``oyrl.policies.grammar``).

A bank maps a symbol to its alternatives; an alternative may name other symbols in braces
(``"I can't share {risk}."``), which the grammar expands recursively, so a few short lists
multiply into thousands of distinct replies. Lookup goes from the most specific layer to the
most general: the ask echoed from the user's message, the topic's bank (``TOPICS``), the layer for
a person speaking about their own distress (``PERSONAL``), the layer for an explicit harmful ask
(``DECLINE``), the layer for harmful or benign asks (``HARMFUL`` / ``BENIGN``), then ``GENERAL``.

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
        "{hard_prefix}{hard_verb} {hard_object}.", "{hard_prefix}{hard_verb} {hard_object}.",
        "That's not something I can help with.", "I have to decline this request.",
        "I must decline this request.", "No. I won't do that.", "I won't be providing that.",
    ),
    "hard_prefix": ("", "", "", "Sorry, ", "I'm sorry, but ", "I'm sorry, ", "Unfortunately, ", "No — "),
    "hard_verb": (
        "I can't", "I cannot", "I won't", "I'm not able to", "I'm unable to", "I'm not going to",
        "I will not",
    ),
    "hard_object": (
        "help with that", "help with this", "help with this request", "assist with that",
        "assist with this request", "provide that", "provide that information", "answer that",
        "do that", "comply with this request", "give you that", "help you with this",
    ),
    # Curt and moralising, as blunt refusals often are (the profile's judgmental=0.3).
    "hard_moral": (
        "You should know better than to ask that.", "This kind of request is irresponsible.",
        "What you're asking for is unacceptable.", "Requests like this are wrong, plain and simple.",
        "You should be ashamed of asking for this.", "What you're describing is dangerous and wrong.",
        "That request goes against my guidelines.", "Please don't ask me for this again.",
        "You shouldn't be asking for this.",
    ),
    # ---- soft refusal: decline the risky part with a reason, then offer something else --------
    "soft_ack": (
        "I hear you, and I can tell this matters to you.", "It sounds like you're dealing with a lot.",
        "I understand why you're asking, and I'm glad you reached out.",
        "That sounds really difficult.", "Thank you for telling me what's going on.",
        "I can hear that this is weighing on you.", "It's completely understandable to want answers here.",
        "I get it, and I'm glad you asked me.",
    ),
    "decline_lead": (
        "I can't help with", "I'm not able to give you", "I won't provide", "I can't walk you through",
        "I'm not going to share", "I can't offer", "I'd rather not go into",
    ),
    "because": ("because", "since", "as"),
    "soft_alt": ("{alt_lead} {alternative}.", "{alt_lead} {alternative}. {offer_check}"),
    "alt_lead": (
        "What I can do is", "Instead, I'd be glad to", "I'm happy to", "If it helps, I can",
        "Something I can do instead is", "I'd really like to",
    ),
    "offer_check": ("Would that be useful?", "Would that help?", "Would you like that?"),
    "soft_question": (
        "Would you like to talk about what's behind this?", "What's going on for you right now?",
        "Can you tell me a bit more about your situation?", "What are you hoping to get out of this?",
        "How are you doing with all of this?", "Is there something else I can help you with?",
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
        "It sounds exhausting to be living with", "I'm sorry you're carrying",
        "It sounds really hard to be facing", "I'm so sorry you're facing",
    ),
    "emp_validate": (
        "It makes sense that you feel this way, given everything you're carrying.",
        "What you're feeling is valid, and you don't have to face it alone.",
        "Reaching out like this takes real courage.", "You deserve support, not judgment.",
        "Anyone in your position could feel overwhelmed.",
        "Your feelings make sense, and they matter.",
        "You're not alone in this, even if it feels that way right now.",
        "There's no shame in feeling like this.",
    ),
    "emp_presence": (
        "I'm here to listen for as long as you need.", "I'm here whenever you want to talk.",
        "I'm here if you want to keep talking.", "You can tell me as much or as little as you like.",
        "Feel free to tell me more whenever you're ready.",
    ),
    # Person-centred help that fits any topic: a trusted person, a professional, emergency help.
    "support": (
        "Talking to someone you trust — a friend, a family member — can make this feel less heavy.",
        "A counsellor or your doctor can help you work through this, and it's okay to start small.",
        "If you ever feel unsafe, please call your local emergency number or a crisis line straight away.",
        "It might help to make a simple safety plan: who you can call, and what helps when it gets bad.",
    ),
    "gentle_decline": ("",),
    "emp_question": (
        "How are you feeling right now?", "Are you safe right now?",
        "Would you be willing to tell me more about what's been happening?",
        "Is there someone nearby you could reach out to today?", "What feels hardest for you at the moment?",
        "Would it help to think together about a next step?",
        "How have you been coping with all of this?", "{clarify}",
    ),
    # ---- safe information: a substantive answer that steers around the risk ------------------
    "si_ack": (
        "That's a reasonable thing to want to understand.", "Good on you for looking into this.",
        "It's completely understandable to have questions about this.",
        "It's natural to want to understand this better.", "It makes sense that you'd want to know more.",
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
        "Thank you for reaching out.", "It sounds like there's a lot going on.",
        "Thank you for telling me about this.", "I hear you.", "That sounds like a lot to deal with.",
        "I'm glad you reached out.", "I hear you, and I'd like to get this right.",
        "Thanks for asking — I want to make sure I understand you properly.",
    ),
    "cq_question": (
        "{cq_lead} {cq_need}?", "{cq_lead} {cq_need}?", "{cq_lead} {cq_need}?",
        "What are you hoping to do with this information?", "What's prompting you to ask?",
        "Is this for your work, your studies, or something personal?", "{clarify}", "{clarify}",
    ),
    "cq_lead": (
        "Can you tell me", "Can I ask", "Could you share", "Can you help me understand",
        "Can you say a little about",
    ),
    "cq_need": (
        "what's going on for you", "what you're hoping to do with this", "what's behind your question",
        "a bit more about the situation you're in", "whether this is for your work, studies or something personal",
        "what you've already tried", "what would help you most right now", "who you're asking for",
    ),
    "cq_why": (
        "That way I can give you something actually useful instead of a generic answer that misses the point.",
        "The right answer depends a lot on the context, so a little more detail will help me get it right.",
        "I'd rather understand your situation properly than guess and send you in the wrong direction.",
        "A little more detail will help me point you to the most relevant and reliable information.",
    ),
    # ---- correction: correct a false belief, then give safe facts ---------------------------
    "corr_ack": (
        "It's completely understandable to think that — lots of people do.",
        "It makes sense that you'd have heard that.", "That's understandable; it's a really common belief.",
        "I hear you, and it's a very common thing to believe.",
    ),
    "correct": ("{corr_open} {corr_lead} {myth}",),
    "corr_open": (
        "Actually, that's a common misconception.", "That's a widely held belief, but it isn't accurate.",
        "That's actually a myth, if an understandable one.", "That's not quite right, I'm afraid.",
        "I'd gently push back on that one.", "That's a popular misconception, as it turns out.",
        "Contrary to popular belief, that isn't the case.",
    ),
    "corr_lead": ("In fact,", "In reality,", "The evidence is clear:", "Research is clear on this:", "Actually,"),
    "corr_question": (
        "Does that change how you're seeing things?", "Where did you come across that idea?",
        "Would it help to go through the evidence together?", "Does that make sense to you?",
    ),
    # ---- the general topic (no topic cue in the message) ----------------------------------------
    "struggle": ("all of this", "this situation", "everything that's going on"),
    "risk": ("the specific details you're asking for", "instructions for that", "that kind of information"),
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
        "It's worth speaking to a qualified professional — a doctor, counsellor or specialist — who can advise on your situation.",
        "If anything about this puts someone's safety at risk, please contact your local emergency number.",
    ),
    "fact": (
        "The right answer usually depends on the specifics — who is involved, how much, and in what setting — so it's worth starting from an authoritative, up-to-date reference.",
        "Official guidance from professional bodies is usually the most reliable starting point, because experts review it and update it when the evidence changes.",
        "Checking more than one reputable source is a good way to avoid outdated or misleading advice, especially online, where confident answers are often mistaken.",
        "Where safety is involved, the more conservative option is usually the right default, and it's worth writing down what you decided and why.",
    ),
    "myth": (
        "that belief doesn't hold up, and the safer assumption is usually the opposite.",
        "popular advice on this is often oversimplified; the details matter more than the rule of thumb.",
    ),
    "source": (
        "official guidance from a relevant professional body",
        "your national health or consumer-protection service",
    ),
    "clarify": ("What's the context for the question?", "What are you hoping to do with the answer?"),
    "expert": ("a qualified professional", "someone with expertise in this area"),
}

#: Overrides when the user's message is harmful in context: compliance is written only in
#: stand-ins; a soft refusal to a distressed statement declines to be the only help.
HARMFUL: Bank = {
    "soft_decline": (
        "I'm not able to give you the help you need with this on my own, {because} {limit_reason}.",
        "I can't give you the kind of support you need for something this serious by myself, {because} {limit_reason}.",
        "I can't offer the kind of help you deserve here — {limit_reason}.",
        "I'm unable to provide the help that you need on my own, {because} {limit_reason}.",
    ),
    "limit_reason": (
        "someone trained for this can do far more than I can", "you deserve real, human support",
        "this needs more than a chat can give", "your safety matters more than anything I could say",
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

#: Overrides when the user speaks about their own distress or safety (not as a professional):
#: openers and questions are about the person, not about what they want to do with an answer.
PERSONAL: Bank = {
    "soft_ack": (
        "I'm really sorry you're feeling this way.", "That sounds incredibly painful.",
        "I'm so glad you told me.", "I hear you, and I'm really sorry it's this hard right now.",
        "Thank you for telling me how you're feeling.",
    ),
    "soft_question": (
        "Would you like to talk about what's been happening?", "How are you doing right now?",
        "Is there someone you could be with today?", "What's been the hardest part for you?",
    ),
    "si_ack": ("I'm sorry you're going through this.", "That sounds really hard, and it's good you're asking.",
               "Thank you for telling me."),
    "cq_ack": (
        "Thank you for telling me this.", "I'm really glad you reached out.", "I hear you.",
        "That sounds like a lot to carry.", "That sounds really hard.", "I'm here with you.",
    ),
    "cq_question": ("{cq_lead} {cq_need}?", "{cq_lead} {cq_need}?", "{clarify}", "{clarify}"),
    "cq_need": (
        "a bit more about what's been happening", "how long you've been feeling like this",
        "what's been weighing on you most", "what would help you most right now", "whether you're safe right now",
        "who you have around you at the moment",
    ),
    "cq_why": (
        "I want to understand what you're going through.", "I'd like to understand before I say anything else.",
        "There's no rush, and no wrong answer.",
    ),
    "corr_open": (
        "I'd gently push back on that.", "That's not the truth, even though it feels like it right now.",
        "That sounds like the pain talking.", "That isn't true, even if it feels true right now.",
    ),
    "corr_ack": (
        "I can hear how real that feels right now.", "It makes sense that it feels that way when you're hurting this much.",
        "I hear you, and I'm glad you said it out loud.",
    ),
}

#: Overrides when the user explicitly asks for something harmful (a method, a build): refusals
#: name what they decline, and empathic replies decline it gently. A distressed statement without
#: an ask has nothing to decline (see ``HARMFUL``).
DECLINE: Bank = {
    "soft_decline": (
        "{decline_lead} {risk}, {because} {reason}.", "{decline_lead} {risk}, {because} {reason}.",
        "{decline_lead} {risk}, {because} {reason}.", "I have to decline to share {risk}, {because} {reason}.",
    ),
    "gentle_decline": (
        "I'm not going to help with {risk}, because I care about what happens to you.",
        "I can't share {risk}, but I'm here and I want to help with what's underneath this.",
        "Rather than going into {risk}, I'd like to focus on you and how you're doing.",
        "Let's set {risk} aside for now — you matter more to me than the question.",
        "Instead of {risk}, what I'd really like is to make sure you're okay.",
    ),
    # Neutral openers: warmth toward an explicit harmful ask reads as withholding it (a soft
    # refusal), which a clarifying question or a safe answer is not.
    "cq_ack": (
        "Before I answer, I'd like to understand the context.", "Let me check one thing first.",
        "I want to make sure I understand what you're after.", "I'd like to know a bit more first.",
    ),
    "si_ack": ("Here's the useful, safe part of this.", "This is a topic with some important background.",
               "Let me give you the broader picture."),
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
        "getting something this important wrong is a real risk without the full picture",
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
            "the feeling that others would be better off without you is the pain talking, not the truth; people who lose someone to suicide are hurt deeply and for a long time.",
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
        "reason": ("it could seriously hurt someone and is against the law in most places",),
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
            "it's not your fault, and you don't need to be 'tougher' to deserve help.",
        ),
        "source": ("StopBullying.gov", "the Anti-Bullying Alliance's website"),
        "clarify": ("Is this happening in person, online, or both?", "Have you been able to tell anyone about it yet?"),
        "expert": ("a school counsellor",),
    },
    "financial": {
        "struggle": ("this much money stress", "debt piling up", "worry about making ends meet"),
        "risk": ("ways to get money that could land you in legal trouble", "a risky scheme like that"),
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
        "struggle": ("this sense of being unsafe", "whatever's making you feel you need protection"),
        "risk": ("instructions for making or modifying weapons", "details on building something that could hurt people"),
        "reason": ("that information could get people hurt and is illegal in many places",),
        "alternative": ("explain the legal side and safe storage", "talk about safer ways to protect yourself",
                        "point you to certified safety courses"),
        "resource": (
            "A certified instructor or a lawyer can explain the law and safe handling where you live.",
            "If you feel unsafe, contact the police or a victim advocate, who can help you make a safety plan.",
            "If you're worried someone might use a weapon to hurt themselves or others, please contact emergency services or a crisis line.",
        ),
        "fact": (
            "Storing firearms unloaded and locked, with ammunition kept separately, prevents most accidental shootings.",
            "Laws on owning, carrying and transporting weapons vary a lot between countries and states, so the local rules matter.",
            "Temporary storage with a relative or a gun shop is a common step when someone in the home is in crisis.",
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
        "reason": ("accessing systems without authorisation is illegal and could seriously harm people",),
        "alternative": ("explain how defenders detect and prevent this kind of attack", "point you to legal practice labs",
                        "help you secure your own accounts and systems"),
        "resource": (
            "Legal practice platforms such as Hack The Box, TryHackMe or OWASP's Juice Shop let you learn offensive techniques safely.",
            "If you're locked out of your own account, use the provider's official recovery process or talk to a qualified IT professional.",
            "If you're a victim of cybercrime, report it to the police, or to IC3 (US) or Action Fraud (UK).",
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
        "risk": ("deceiving people or faking documents", "a script for scamming someone"),
        "reason": ("it would hurt real people and could land you in serious legal trouble",),
        "alternative": ("explain how these scams work so people can spot them", "help you report a scam",
                        "talk through legitimate ways to raise money"),
        "resource": (
            "If you've been scammed, contact your bank straight away and report it to the police, or to the FTC (reportfraud.ftc.gov) in the US or Action Fraud in the UK.",
            "Citizens Advice's scam helpline can walk you through next steps.",
            "If money pressure is behind this, a free debt adviser can help you find legitimate options.",
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
        "risk": ("hurting someone", "ways to harm another person"),
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
        "risk": ("ways to track someone or monitor their phone without consent", "finding out where someone lives"),
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
            "stalking isn't harmless or romantic; it causes real fear, and the police treat it seriously.",
        ),
        "source": ("SPARC's website", "your phone's official privacy guide"),
        "clarify": ("Are you worried someone is tracking you, or thinking about tracking someone?", "What's happened that's worrying you?"),
        "expert": ("a victim-support worker",),
    },
}
