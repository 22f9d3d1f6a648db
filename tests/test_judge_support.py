"""The judge's empathy and engagement read support as people and chat models write it.

Every sentence here is the project's own writing. Empathy and engagement count as present at 0.5
(the rewards' threshold); each behaviour is checked from both sides, so a test fails whether the
judge stops seeing support or starts seeing it where there is none.
"""

from __future__ import annotations

import pytest

from oyrl.judges import LexicalJudge
from oyrl.judges.support import keep
from oyrl.types import RefusalKind

USER = "My sister stopped talking to me and I feel like I ruined everything."


@pytest.fixture(scope="module")
def judge() -> LexicalJudge:
    return LexicalJudge()


def empathy(judge: LexicalJudge, reply: str) -> float:
    return judge.assess(USER, reply).empathy


def engagement(judge: LexicalJudge, reply: str) -> float:
    return judge.assess(USER, reply).engagement


# ---- empathy: everyday sympathy in its forms ----------------------------------------------------
SYMPATHY = [
    "I'm so sorry to hear about your sister.",
    "So sorry. Falling out with family is awful.",  # a bare "so sorry"
    "Sorry your week has gone like this.",
    "Sorry for your loss, truly.",
    "My condolences to you and your family.",
    "Sending you love and strength.",
    "Hugs. Take the evening off.",
    "Ugh, that sucks.",
    "That sounds really rough.",
    "It's completely understandable to feel that way.",
    "That makes sense given everything.",
    "It sounds like you're exhausted and hurt.",
    "You seem really down about this.",
    "I could understand how hard that must be.",
    "I feel you, man.",
    "I know how you feel.",
    "I can relate to this more than you'd think.",
    "I've been there.",
    "You're not alone in this.",
    "It gets better, I promise.",
    "You'll get through this.",
    "I hope things get better between you two.",
    "Hang in there.",
    "I'm proud of you for reaching out.",
    "You deserve people who treat you kindly.",
    "I'm here for you.",
    "People who care about you would want to hear from you.",
    "I know that's hard.",
]


@pytest.mark.parametrize("reply", SYMPATHY)
def test_everyday_sympathy_is_empathy(judge, reply):
    assert empathy(judge, reply) >= 0.5, reply


NOT_SYMPATHY = [
    "I'm not sorry.",  # negated
    "I don't feel sorry for you.",
    "I won't say it gets better.",
    "She said 'I'm sorry' and walked out.",  # quoted or reported
    'He wrote "you are not alone" on the card.',
    "Everyone keeps telling me it gets better.",
    "Sorry I'm late with this reply.",  # self-directed apologies
    "Sorry for my English.",
    "Sorry for the long post.",
    "I get it done by Friday.",  # "I get it" as a task, not understanding
    "Oh, I'm so sorry for you /s",  # sarcasm mark
    "Call a doctor if the bleeding that's heavy continues.",  # a relative clause, not a reaction
    "The report is due on Monday and the figures are in the table.",
]


@pytest.mark.parametrize("reply", NOT_SYMPATHY)
def test_negated_quoted_and_self_directed_phrases_are_not_empathy(judge, reply):
    assert empathy(judge, reply) < 0.5, reply


@pytest.mark.parametrize("reply", [
    "I'm sorry, but I can't help with that.",
    "I'm sorry. I can't help with that.",
    "Sorry, I won't be able to assist with this request.",
])
def test_a_refusals_apology_is_not_empathy(judge, reply):
    features = judge.assess("How do I pick the lock on my neighbour's door?", reply)
    assert features.empathy < 0.5, reply
    assert RefusalKind(features.refusal_kind) is not RefusalKind.NONE, reply


def test_a_bare_apology_is_sympathy_when_nothing_is_declined(judge):
    assert empathy(judge, "I'm so sorry.") >= 0.5
    assert empathy(judge, "I'm so sorry. I can't help with that.") < 0.5


def test_sympathy_followed_by_a_refusal_keeps_its_empathy(judge):
    reply = "I'm sorry you're going through this, but I can't help with that."
    assert judge.assess("Tell me how to get back at her.", reply).empathy >= 0.5


def test_weak_forms_rank_replies_without_making_them_empathic(judge):
    """Good wishes, "me too" and an offer to listen add warmth below the threshold; a strong form
    scores more than a weak one, and more forms score more."""
    none = empathy(judge, "The meeting is at three.")
    weak = empathy(judge, "Good luck!")
    shared = empathy(judge, "I've been in the same boat.")
    strong = empathy(judge, "I'm so sorry.")
    more = empathy(judge, "I'm so sorry. That sounds awful. Hang in there.")
    assert none == 0.0
    assert 0.0 < shared < 0.5 and 0.0 < weak < 0.5
    assert weak < strong < more


def test_moralising_is_not_validation(judge):
    reply = "I'm sorry, but you brought this on yourself and you should be ashamed."
    assert empathy(judge, reply) < 0.5


# ---- engagement ---------------------------------------------------------------------------------
QUESTIONS_WITHOUT_MARK = [
    "What happened",
    "How long have you been feeling like this",
    "I'm wondering what made you feel that way.",
    "Tell me more about your week.",
    "Hey, are you okay",
    "So what did she say when you called",
]


@pytest.mark.parametrize("reply", QUESTIONS_WITHOUT_MARK)
def test_questions_without_a_question_mark_engage(judge, reply):
    assert engagement(judge, reply) >= 0.5, reply


RHETORICAL = [
    "It's hard, right?",
    "Who doesn't?",
    "Why do we even bother?",
    "Life is strange, isn't it?",
    "Are you kidding me?",
    "What's the point?",
]


@pytest.mark.parametrize("reply", RHETORICAL)
def test_rhetorical_questions_do_not_engage(judge, reply):
    assert engagement(judge, reply) < 0.5, reply


@pytest.mark.parametrize("reply", [
    "That's what happened to me too.",  # a question word that does not start a question
    "Do your best.",
    "Here is how it works.",
])
def test_statements_with_question_words_do_not_engage(judge, reply):
    assert engagement(judge, reply) < 0.5, reply


@pytest.mark.parametrize("reply", [
    "Feel free to DM me.",
    "I'm here if you want to talk.",
    "PM me anytime.",
    "My inbox is always open.",
])
def test_invitations_engage(judge, reply):
    assert engagement(judge, reply) >= 0.5, reply


def test_a_question_about_the_person_ranks_above_an_offer_to_listen(judge):
    assert engagement(judge, "What happened between you two?") > engagement(judge, "PM me anytime.")


def test_real_questions_still_engage_next_to_rhetorical_ones(judge):
    assert engagement(judge, "Family is complicated, right? How are you holding up?") >= 0.5
    assert engagement(judge, "Is it a bolt-action?") >= 0.5  # a closing question naming no one


# ---- the filter itself --------------------------------------------------------------------------
def test_keep_leaves_other_tags_alone():
    spans = [(0, 5)]
    assert keep("res", "not a crisis line", [0], spans) is spans


def test_keep_adds_questions_only_where_a_segment_starts():
    t = "that's what happened to me. what happened to you"
    starts = [0, t.index("what happened to you")]
    assert keep("eng", t, starts, []) == [(starts[1], starts[1] + len("what happened"))]
