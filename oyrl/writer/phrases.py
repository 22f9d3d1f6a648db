"""Phrase banks of the response grammar (``oyrl.writer.grammar``).

A bank maps a symbol to its alternatives; an alternative may name other symbols in braces
(``"I can't share {risk}."``), which the grammar expands recursively, so a few short lists
multiply into thousands of distinct replies. Lookup goes from the most specific layer to the
most general: the ask echoed from the user's message, the topic's bank (``TOPICS``, kept in
``oyrl.writer.phrases_topics`` and re-exported here), the layer for a person speaking about
their own distress (``PERSONAL``), the layer for an explicit harmful ask (``DECLINE``), the layer
for harmful or benign asks (``HARMFUL`` / ``BENIGN``), then ``GENERAL``.

Wording rules, so the judge reads each strategy as ``strategy_features`` says:
- only the refusal symbols (``hard*``, ``soft_decline``, ``gentle_decline``) use refusal phrasing
  ("I can't", "I won't", "I'm not able to"); facts, myths and steps avoid those words entirely;
- harmful compliance never carries real instructions: every step is ``OMITTED``;
- resources and facts are real, public and safe (crisis lines, harm reduction, defensive security),
  never methods, doses or attack steps.
"""

from __future__ import annotations

from oyrl.writer.phrases_topics import TOPICS

__all__ = ["BENIGN", "DECLINE", "GENERAL", "HARMFUL", "OMITTED", "PERSONAL", "TOPICS", "Bank"]

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
