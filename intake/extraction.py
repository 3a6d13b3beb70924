"""From a wire story to candidate claims (docs/intake.md). Nothing here writes to the database.

A story is read sentence by sentence. A sentence is a candidate when a claimant is credited with it: a
reporting verb with its claimant before or after it ("the ministry said", "said Ihor Klymenko"), a quote
with its speech tag ("…," he said), or a phrase that needs no verb ("according to the ministry", "по
словам Пескова"). The claimant's words become a name, matched to the registry; "he", "it" and "the
ministry" are the last such claimant or person named; the same claimant again, its day unsaid, keeps
the day of the claim before. Everything else is an unattributed statement.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from itertools import islice

from claims import duplicates as desk_duplicates
from intake import claimants, rules
from intake.candidates import Candidate, ClaimantGuess, Extraction, Statement
from intake.dates import day_named
from intake.text import OPENING, QUOTED, Sentence, dateline_end, language_of, normalise, quotes_in, sentences, unquoted

# The longest story intake reads; wire stories run to a few thousand characters.
MAX_STORY_CHARS = 100_000
# The most candidates one story proposes: a wire story holds a few dozen; past this, the text is not one.
MAX_CANDIDATES = 80  # and a page posts 11 fields a card, under Django's 1,000 a request
# Reporting verbs looked at in one sentence: the attribution is among the first; a text of nothing but
# "said" would otherwise be read again for each.
VERBS_TRIED = 8
# A claim is a statement, not a word or two ("he said no").
SHORTEST_CLAIM_WORDS = 3
# The words before a reporting verb that can still be its claimant ("Kharkiv regional governor Oleh Syniehubov").
LONGEST_CLAIMANT_WORDS = 12
# Sentences shorter than this are not offered as unattributed statements ("Kyiv denied it.").
SHORTEST_STATEMENT_WORDS = 5
CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\ufffd]")  # a form feed or vertical tab is a line break
# Share of a text's characters that may be garbled (control characters, U+FFFD) before it reads as a
# file's bytes rather than a story (a pasted PDF, an image opened as text).
MAX_GARBLED_SHARE = 0.01
BOUNDARY = re.compile(r"[,;:—–]|\s-\s")


class Unreadable(ValueError):
    """The text cannot be read as a story (empty, too long, not text); the message says why."""


@dataclass
class Attribution:
    phrase: str  # the words naming the claimant
    content: str  # the claim's words
    region: str  # the words around the attribution, where the day the claim was made is named
    context: str = ""  # an apposition or title next to the claimant ("Ukraine's interior minister")
    about_previous: bool = False  # "Об этом заявил Песков": the claim is the sentence before
    # "Гутерріш «приголомшений» …, йдеться в заяві": the statement's author is named in the sentence itself
    author_inside: bool = False


def text_problem(text: str) -> str:
    """Why `text` cannot be read as a story, or "" when it can: the page's, the API's and extract()'s one
    rule. PostgreSQL refuses a NUL in text, and a megabyte is not a wire story; a stray replacement
    character or form feed is no reason to refuse one."""
    if not isinstance(text, str) or not text.strip():
        return "Paste the story's text: there is nothing to read."
    if len(text) > MAX_STORY_CHARS:
        return f"This story is {len(text):,} characters long; intake reads up to {MAX_STORY_CHARS:,}."
    if "\x00" in text:
        return "This text holds NUL bytes, so it is a file's contents rather than a story: paste the story's words."
    if len(CONTROL.findall(text)) > max(2, len(text) * MAX_GARBLED_SHARE):
        return "This does not read as text (it looks like a file's bytes): paste the story's words."
    return ""


def readable(text: str) -> str:
    """The story as intake reads it, or Unreadable saying what is wrong with it."""
    problem = text_problem(text)
    if problem:
        raise Unreadable(problem)
    story = normalise(text)
    if not re.search(r"[^\W\d_]{2,}", story):
        raise Unreadable("This text has no words to read.")
    return story


def extract(text: str, published: dt.date, *, dateline: str = "", duplicates: bool = True) -> Extraction:
    """The candidate claims in `text`, a story published on `published`.

    `dateline`: where the story was filed, as the person reading it says ("Kyiv"): a story opening
    "Kyiv - …" then loses it from its first sentence, as one opening "KYIV, May 15 (wire) - " always does.
    `duplicates`: look up likely duplicates on the desk for each candidate (the page and the API do;
    the accuracy benchmark need not).
    """
    story = readable(text)
    language = language_of(story)
    reader = _Reader(language, published)
    candidates: list[Candidate] = []
    unattributed: list[Statement] = []
    body_start = dateline_end(story, place=dateline)
    for sentence in sentences(story, language):
        if sentence.end <= body_start:
            continue
        if sentence.start < body_start:  # the first sentence, its dateline cut off
            cut = body_start - sentence.start
            sentence = Sentence(sentence.text[cut:], body_start, sentence.end, sentence.paragraph)
        found = reader.read(sentence)
        if found is None:
            unattributed.append(Statement(sentence.text, sentence.start, sentence.end))
        elif found.sentence != sentence.text and unattributed and found.start == unattributed[-1].start:
            unattributed.pop()  # "Об этом заявил …": the sentence before was the claim
            candidates.append(found)
        else:
            candidates.append(found)
    left_out = max(0, len(candidates) - MAX_CANDIDATES)
    candidates = candidates[:MAX_CANDIDATES]
    if duplicates:
        each = desk_duplicates.likely_duplicates_of_each([candidate.text for candidate in candidates])
        for candidate, alike in zip(candidates, each, strict=True):
            candidate.duplicates = alike
    statements = [s for s in unattributed if len(s.text.split()) >= SHORTEST_STATEMENT_WORDS]
    return Extraction(language=language, text=story, candidates=candidates, unattributed=statements, left_out=left_out)


SAME_DAY_AS_BEFORE = re.compile(
    r"\b(?:the same day|that (?:day|morning|afternoon|evening)|later that day|(?:earlier|later) in the day|"
    r"в тот же день|в этот же день|того же дня|того ж дня|того дня|цього ж дня|тоді|тогда|"
    r"(?:того|цього|этого) ж(?:е)? (?:ранку|вечора|утра|вечера|ночі|ночи)|"
    # "на той же пресс-конференции", "at the same news conference": the occasion the story told of before
    r"(?:на|в|у) (?:той|тій|том|тому) (?:же|ж|самій|самой|самом|самому) \w+|"
    r"the same (?:news |press )?(?:conference|briefing|meeting|event|summit|session))\b",
    re.IGNORECASE,
)


class _Reader:
    """Reads a story's sentences in order, remembering who was named last (for "he", "it", "the ministry")."""

    def __init__(self, language: str, published: dt.date):
        self.language = language
        self.published = published
        self.named: list[tuple[ClaimantGuess, bool]] = []  # (claimant, is a person), latest last
        self.previous: Candidate | None = None
        self.previous_sentence: Sentence | None = None
        self.registry = claimants.registry()  # read once per story
        self.last_day: dt.date | None = None  # the last day a sentence named ("on 24 January")
        # Who the sentence just read named, when it was no candidate, and the day it named.
        self.named_just_now: tuple[list[str], dt.date | None] = ([], None)
        attribute = _attribute_english if language == "en" else _attribute_cyrillic
        self.attribute = attribute

    def read(self, sentence: Sentence) -> Candidate | None:
        attribution = self.attribute(sentence.text, self.language)
        before, self.previous_sentence = self.previous_sentence, sentence
        day_before, named_day = self.last_day, day_named(sentence.text, self.published, self.language)
        self.last_day = named_day or self.last_day
        named_before, self.named_just_now = self.named_just_now, ([], None)
        if attribution is None:
            remembered = len(self.named)
            self._remember_people(sentence.text)
            self.named_just_now = ([guess.name for guess, _ in self.named[remembered:]], named_day)
            return None
        if attribution.author_inside:
            self._remember_people(sentence.text)
        claimant = self._claimant(attribution)
        if claimant is None:
            return None
        if self.named and not attribution.author_inside:
            # the others it names ("… with Foreign Minister Dmytro Kuleba"), the claimant still last
            speaker = self.named[-1]
            self._remember_people(sentence.text)
            self.named.append(speaker)
        source = sentence
        if attribution.about_previous:
            if before is None:
                return None
            source = before
            attribution.content = before.text
        content = _checkable(attribution.content, claimant)
        if len(content.split()) < SHORTEST_CLAIM_WORDS:
            return None
        claimed_on = day_named(attribution.region, self.published, self.language)
        if claimed_on is None:
            previous = self.previous
            # The same claimant again, its day unsaid: wire copy goes on quoting one statement. "The same
            # day" ("того ж дня", "тоді") is the last day the story named, in any sentence before.
            carried = previous is not None and bool(claimant.name) and previous.claimant.name == claimant.name
            # "Сам Залужний увечері в четвер опублікував … фото. Він написав, що …": the day of the sentence
            # that just named them.
            names, day_of_naming = named_before
            pronoun = attribution.phrase.lower() in rules.PRONOUNS[self.language]
            if SAME_DAY_AS_BEFORE.search(attribution.region) and (day_before or previous):
                claimed_on = day_before or (previous.claimed_on if previous else self.published)
            elif day_of_naming is not None and pronoun and claimant.name in names:
                claimed_on = day_of_naming
            else:
                claimed_on = previous.claimed_on if carried and previous is not None else self.published
        quoted = [q for q in quotes_in(attribution.content) if not _is_quoted_name(q)]
        quote = " … ".join(quoted)
        start, end = source.start, sentence.end
        candidate = Candidate(
            text=content,
            sentence=source.text if source is sentence else f"{source.text} {sentence.text}",
            start=start,
            end=end,
            claimant=claimant,
            claimed_on=claimed_on,
            quote=quote,
        )
        self.previous = candidate
        return candidate

    def _claimant(self, attribution: Attribution) -> ClaimantGuess | None:
        """Who the attribution names: by name, or again ("he", "the ministry", a surname). Named again
        with nobody named before, the claimant is left blank for the fact-checker (the claim is still
        one); None when the words name nobody at all."""
        phrase = attribution.phrase.strip()
        kind_wanted = rules.PRONOUNS[self.language].get(phrase.lower())
        if kind_wanted is not None:
            found = self._last("person" if kind_wanted == "person" else kind_wanted, said_as=phrase)
            return found or ClaimantGuess(name="", said_as=phrase)
        named = _name(phrase, self.language, context=attribution.context)
        if named is None:
            return None
        name, is_person, titled = named
        if not name:  # "the ministry", "the spokesman", "ведомство": who was named last, of that sort
            found = self._last_like(phrase, is_person)
            words = phrase.split()
            if found is not None:
                return found
            # "the interior ministry", "британський уряд": a name of its own, with no such claimant named before
            named_by_words = not is_person and bool(_qualifiers(phrase, self.language))
            capitalised = self.language == "en" and any(CAPITALISED.match(word) for word in words[1:])
            if not (named_by_words or capitalised):
                kind = rules.OFFICIAL_KIND if is_person else claimants.kind_of(phrase, is_person=False, titled=False)
                return ClaimantGuess(name="", kind=kind, said_as=phrase)
            if self.language == "en":
                name = _organisation_name(words)
            else:
                name = " ".join(claimants.organisation_nominative(words, self.language))
                name = name[:1].upper() + name[1:]
        if len(name.split()) == 1 and (is_person or CAPITALISED.match(name)):
            # "Peskov", after "Kremlin spokesman Dmitry Peskov"; "Богомаз", which the dictionary knows as a noun
            for earlier, earlier_is_person in reversed(self.named):
                if earlier_is_person and _same_surname(name, earlier.name):
                    return self._remember(_copy(earlier, said_as=phrase), True)
        guess = claimants.guess(name, said_as=phrase, is_person=is_person, titled=titled, known_to=self.registry)
        return self._remember(guess, is_person)

    def _remember(self, guess: ClaimantGuess, is_person: bool) -> ClaimantGuess:
        self.named.append((guess, is_person))
        return guess

    def _last(self, kind: str, *, said_as: str) -> ClaimantGuess | None:
        for guess, is_person in reversed(self.named):
            if kind == "any" or (kind == "person") == is_person:
                return _copy(guess, said_as=said_as)
        return None

    def _last_like(self, phrase: str, is_person: bool) -> ClaimantGuess | None:
        """The last claimant the description fits: "the ministry" → the last ministry named; a bare
        description ("the ministry", "ведомство") the last claimant of its sort."""
        words = claimants.lemmas(phrase, self.language) - DETERMINERS - CONNECTORS
        # "The interior ministry" is not the defence ministry named before: its own words must be there.
        qualifiers = _qualifiers(phrase, self.language) if not is_person else set()
        # Claimants of the description's sort first: "the agency" is the IAEA before its head Rafael Grossi;
        # a person's description ("Британський прем’єр") is a person's.
        for guess, guess_is_person in sorted(reversed(self.named), key=lambda named: named[1] != is_person):
            if is_person and not guess_is_person:
                continue
            theirs = claimants.lemmas(guess.name + " " + guess.said_as, self.language)
            if words & theirs and qualifiers <= theirs:
                return _copy(guess, said_as=phrase)
        if qualifiers or (self.language == "en" and any(CAPITALISED.match(word) for word in phrase.split()[1:])):
            return None  # "the Russian ministry", "the interior ministry", "британський уряд": a name of its own
        return self._last("person" if is_person else "organisation", said_as=phrase)

    def _remember_people(self, text: str) -> None:
        """People a narrative sentence names with a title ("US Secretary of State Antony Blinken arrived …"),
        for a "he said" further on."""
        if self.language != "en":
            # Each run of capitalised words with the word before it (a title, a preposition), in the order
            # named: "Президент Володимир Зеленський … звільнив генерала Валерія Залужного" names both.
            for chunk in re.split(r"[,.;:—–«»“”()]", text):
                for run in CAPITALISED_RUN.finditer(chunk):
                    self._remember_named(claimants.person_words(run.group().split(), self.language))
            return
        subject = _sentence_subject(text)
        named = _name(subject, "en", context="") if subject else None
        if named and named[0] and not named[1] and set(subject.lower().split()) & rules.ORGANISATION_WORDS:
            # "The Russian Defence Ministry gave a different account …": for an "it" further on
            guess = claimants.guess(named[0], said_as=subject, is_person=False, titled=False, known_to=self.registry)
            self._remember(guess, False)
        for match in TITLED_PERSON.finditer(unquoted(text)):
            named = _name(match.group(), "en", context="")
            if named and named[0] and named[1]:
                guess = claimants.guess(
                    named[0], said_as=match.group(), is_person=True, titled=True, known_to=self.registry
                )
                self._remember(guess, True)

    def _remember_named(self, person: list[str]) -> None:
        """A person a Ukrainian or Russian narrative sentence names: in full, or again by surname."""
        if len(person) >= 2:  # a full name: "Уповноважений Дмитро Лубинець повідомив…"
            name = " ".join(person)
            guess = claimants.guess(name, said_as=name, is_person=True, titled=False, known_to=self.registry)
            self._remember(guess, True)
        elif person:  # "Пригожин, …, не стал": named again, so the next "он" is him
            for earlier, earlier_is_person in reversed(self.named):
                if earlier_is_person and _same_surname(person[0], earlier.name):
                    self._remember(earlier, True)
                    break


CAPITALISED_RUN = re.compile(r"(?:\S+\s+)?(?:[A-ZА-ЯІЇЄҐЁ][\w'’-]*\s+)*[A-ZА-ЯІЇЄҐЁ][\w'’-]*")


def _qualifiers(phrase: str, language: str) -> set[str]:
    """The words of a description that tell one organisation from another ("interior" in "the interior
    ministry", "британський" in "британський уряд"), beside its head noun and its determiner."""
    phrase = " ".join(
        word
        for word in claimants.WORD.findall(phrase)
        if not word.lower().endswith(("'s", "’s")) and not word[:1].isdigit()  # "the 31 allies"
    )
    generic = rules.ORGANISATION_WORDS | rules.PERSON_TITLES | (CLAIMANT_NOUNS - rules.TITLES) | rules.GENERIC_WORDS
    if language != "en":  # "відомства" is "відомство", whatever its case
        return {word for word in phrase.lower().split() if not claimants.lemmas(word, language) & generic}
    return set(phrase.lower().split()) - generic - NATIONALITIES - DETERMINERS - CONNECTORS - TRAILING_ADVERBS


def _is_quoted_name(quoted: str) -> bool:
    """«Исламское государство», "Azovstal": a name in quotes, no quotation (a few words, a capital, no stop)."""
    words = quoted.split()
    return len(words) <= 3 and quoted[:1].isupper() and not re.search(r"[.!?,;:]", quoted)


def _copy(guess: ClaimantGuess, *, said_as: str) -> ClaimantGuess:
    return ClaimantGuess(name=guess.name, id=guess.id, kind=guess.kind, said_as=said_as)


def _same_surname(surname: str, name: str) -> bool:
    """Whether a name's last word is `surname`, also inflected ("Герасимова" for Валерий Герасимов)."""
    if not name.split():
        return False
    last, surname = name.split()[-1].lower(), surname.lower()
    stem = min(len(last), len(surname)) - 2
    return last == surname or (stem >= 4 and last[:stem] == surname[:stem] and abs(len(last) - len(surname)) <= 2)


# --- English ---------------------------------------------------------------------------------------------

VERB_EN = re.compile(
    r"\b(?P<verb>was quoted as saying|hit back|" + "|".join(sorted(rules.VERBS["en"], key=len, reverse=True)) + r")\b"
)
ACCORDING_EN = re.compile(r"(?:^|,\s*)according to\s+(?P<who>[^,;.]+?)(?=[,;.]|$)", re.IGNORECASE)
IN_THEIR_VIEW = re.compile(r"^\s*in (his|her|its|their) (?:view|opinion|words),\s*", re.IGNORECASE)
WEEKDAY_WORDS = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
DAY_PHRASE_EN = (
    rf"(?:(?:late|early|earlier|later)\s+)?(?:on\s+)?(?:{WEEKDAY_WORDS}(?:\s+(?:morning|afternoon|evening|night))?"
    r"|overnight|last night|yesterday|today|this (?:morning|afternoon|evening)|on \d{1,2} \w+|on \w+ \d{1,2}"
    r"|the same day|that (?:same )?(?:day|morning|afternoon|evening|night)|(?:earlier|later) in the day)"
)
# What may stand between a reporting verb and the claim: when, where and how it was said.
AFTER_VERB_EN = re.compile(
    rf"^\s*(?:,|:|{DAY_PHRASE_EN}\b|in (?:a|an|its|his|her|their) (?:statement|interview|video|post|address|"
    r"briefing|report|update)(?: (?:on|to|with) [\w' -]+?)?(?=,| that | on | its |$)|on (?:its |his |her |their )?"
    r"(?:official )?(?:telegram|facebook|x|twitter|website)(?: channel| account| page)?\b|in (?:kyiv|moscow|"
    r"washington|brussels)\b|at (?:a|an) (?:news|press) conference(?: in \w+)?|also\b|later\b|earlier\b|"
    r"(?:that|this)\b(?!\s+(?:is|was|has|had|will|would)))",
    re.IGNORECASE,
)
TOLD_OBJECT = re.compile(
    r"^\s*(?:(?:the|a|an|state|local|foreign|russian|ukrainian|us|[A-Z][\w'.-]*)\s+){0,4}?"
    r"(?:reporters|journalists|lawmakers|parliament|television|tv|broadcaster|agency|news agency|conference|"
    r"briefing|[A-Z][\w'.-]*)\b",
    re.IGNORECASE,
)
OBJECT_VERBS = {"announced", "announces", "denied", "denies", "confirmed", "confirms", "accused", "accuses",
                "promised", "pledged", "vowed", "acknowledged", "admitted", "reported", "reports", "claimed",
                "claims", "called", "condemned", "described", "thanked", "welcomed", "voiced", "praised", "hailed",
                "criticised", "criticized"}  # fmt: skip
# Words opening a clause inside another: "a day after President Vladimir Putin announced the step".
RELATIVE = re.compile(r"\b(?:that|which|who|whom|whose|where|when|what|if|whether|as)\b", re.IGNORECASE)
# "a day after President Vladimir Putin announced the step": an act told inside another sentence, no claim
# ("… came after Prigozhin said on Tuesday that …" is one).
SUBORDINATE = re.compile(r"\b(?:after|before|since|until|because|while)\b", re.IGNORECASE)
CLAIMANT_NOUNS = rules.ORGANISATION_WORDS | rules.TITLES | {
    "official", "officials", "authorities", "analysts", "experts", "witnesses", "residents", "sources", "military",
    "statement", "spokesman", "spokeswoman", "ministry", "staff", "governor", "observers", "monitors", "allies",
    "source",
}  # fmt: skip
DAYS_AND_MONTHS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
                   "february", "march", "april", "june", "july", "august", "september", "october", "november",
                   "december"}  # fmt: skip
QUANTIFIERS = {"neither", "no", "none", "each", "both", "some", "this", "these", "those", "other", "such", "any"}
DETERMINERS = {"the", "a", "an", "his", "her", "its", "their", "our"}
TRAILING_ADVERBS = {"also", "later", "earlier", "again", "previously", "repeatedly", "has", "had", "have", "then",
                    "now", "separately", "further", "once"}  # fmt: skip
# A phrase holding one of these says something itself ("Zelensky has cancelled all trips"): no claimant.
FINITE = {"is", "are", "was", "were", "has", "have", "had", "will", "would", "can", "could", "may", "might", "must",
          "should", "did", "does", "do"}  # fmt: skip
NOT_PARTICIPLES = {"armed", "united", "based", "led", "backed", "red"}
# After the verb, words that only say where or how it was said: "…, Putin said at a meeting with …".
CIRCUMSTANCE = re.compile(
    r"^(?:at(?! least| most)|in|on|during|after|before|while|when|to|from|during|as|via|through|with)\b",
    re.IGNORECASE,
)
TITLED_PERSON = re.compile(
    r"\b(?:[A-Z][\w'.-]*\s+){0,3}(?:President|Minister|Secretary(?: of State)?|spokesman|spokeswoman|governor|"
    r"Governor|Chancellor|Mayor|mayor|commander|Commander|General|chief|Chief|head)\s+(?:[A-Z][\w'-]+\s?){1,3}"
)


def _attribute_english(text: str, language: str) -> Attribution | None:
    masked = unquoted(text)
    return _quote_then_tag(text, masked, language) or _according_to(text, masked) or _verb_attribution(text, masked)


def _quote_then_tag(text: str, masked: str, language: str) -> Attribution | None:
    """“…,” he said. / «…», — заявил Песков. (and “…,” he said, “….”)"""
    stripped = text.lstrip()
    if not stripped or (stripped[0] not in OPENING and stripped[0] != '"'):
        return None
    first = QUOTED.match(stripped)
    if first is None:
        return None
    offset = len(text) - len(stripped)
    rest = text[offset + first.end() :]
    more = QUOTED.search(rest)
    tag = rest[: more.start()] if more else rest
    verb = _find_verb(tag, language)
    # The speech tag names its speaker near the quote: "…,” US President Joe Biden told reporters, …"
    if verb is None or len(tag[: verb.start()].split()) > LONGEST_CLAIMANT_WORDS:
        return None
    content_words = len(first.group().split())
    if content_words < SHORTEST_CLAIM_WORDS:  # «Укрзалізниця» повідомила …: a quoted name, no quotation
        return None
    tag_clean = tag.strip(" ,—–-.")
    verb = _find_verb(tag_clean, language)
    if verb is None:
        return None
    before_verb = tag_clean[: verb.start()].strip(" ,—–-")
    after_verb = tag_clean[verb.end() :]
    # "…,” General James Hecker, who commands U.S. Air Forces in Europe, said": the name, not its clause
    before_verb = re.split(r",\s*(?:who|which|whose)\b", before_verb, maxsplit=1)[0]
    if before_verb:
        phrase, context = before_verb, after_verb
    elif language == "en":
        phrase, _, context = _cut(after_verb)
    else:  # "— сказав він у відеозверненні"
        phrase = _cyrillic_tail(after_verb)
        context = after_verb.strip()[len(phrase) :]
        quoted_person = (
            claimants.person_words(phrase.split(), language) if verb.group().lower().startswith("цитиру") else []
        )
        if quoted_person:
            phrase = " ".join(quoted_person)  # "— цитирует Пескова ТАСС": Peskov's words
    content = first.group()[1:-1].strip().rstrip(",")
    if more:
        content = f"{content.rstrip(',')} {more.group()[1:-1].strip()}"
    return Attribution(phrase=_strip_fillers(phrase, language), content=f"“{content}”", region=tag, context=context)


def _according_to(text: str, masked: str) -> Attribution | None:
    view = IN_THEIR_VIEW.match(masked)
    if view:  # "In his view, the Ukrainian leadership was not prepared …": the one named last
        pronoun = {"his": "he", "her": "she", "its": "it", "their": "they"}[view[1].lower()]
        return Attribution(phrase=pronoun, content=text[view.end() :], region="")
    found = ACCORDING_EN.search(masked)
    if not found:
        return None
    who = text[found.start("who") : found.end("who")]
    content = (text[: found.start()] + text[found.end() :]).strip(" ,")
    who_phrase, region = _split_day(who)
    return Attribution(phrase=who_phrase, content=content, region=region + " " + who)


def _verb_attribution(text: str, masked: str) -> Attribution | None:
    for verb in islice(VERB_EN.finditer(masked), VERBS_TRIED):
        before, after = text[: verb.start()], text[verb.end() :]
        if re.search(rules.NEGATIONS["en"], before[-40:], re.IGNORECASE):
            continue
        boundaries = list(BOUNDARY.finditer(masked[: verb.start()]))
        cut = boundaries[-1].end() if boundaries else 0
        segment = before[cut:].strip()
        earlier = before[: boundaries[-1].start()] if boundaries else ""
        coordinated = segment.lower() in ("and", "but")
        if boundaries and not coordinated and not _strip_fillers(_split_day(segment)[0], "en"):
            segment = ""  # "Sergei Nechayev, Russia's ambassador, on Wednesday called …", "…, had written …"
        if not segment:
            apposed = _apposed_subject(text, before, after, verb.group())
            if apposed:  # "Antony Blinken, on his fourth visit to Kyiv, announced …"
                return apposed
            # "…, said Ihor Klymenko, Ukraine's interior minister."
            if not earlier.strip():
                continue
            named, context, region = _cut(after)
            if not named or _claimant_segment(named)[0] is None:  # "…, called the German move …" names nobody
                continue
            return Attribution(phrase=named, content=earlier, region=region, context=context)
        if segment.lower() in ("and", "but") and boundaries:  # "Biden signed the bill …, and said …"
            subject = _sentence_subject(text)
            claim, region = _after_verb(after, verb.group())
            if subject and len(claim.split()) >= SHORTEST_CLAIM_WORDS:
                return Attribution(phrase=subject, content=claim, region=region)
            continue
        phrase, leading = _claimant_segment(segment)
        if phrase is None:
            continue
        claim, region = _after_verb(after, verb.group())
        if SUBORDINATE.search(segment) and not region.rstrip().lower().endswith("that"):
            continue
        adverbial = _is_adverbial(earlier)
        circumstance = bool(CIRCUMSTANCE.match(claim)) and not region.rstrip().lower().endswith("that")
        if (len(claim.split()) < SHORTEST_CLAIM_WORDS or circumstance) and earlier.strip() and not adverbial:
            # "Russian troops took Robotyne, the ministry said on Wednesday."
            content = f"{phrase} {verb.group()} that {earlier}" if verb.group() in rules.DENIALS["en"] else earlier
            return Attribution(phrase=phrase, content=content, region=leading + " " + after)
        if verb.group() in rules.DENIALS["en"]:  # "Peskov denied that …": the denial is the claim
            claim = f"{phrase} {verb.group()} {'that ' if region.rstrip().lower().endswith('that') else ''}{claim}"
        elif verb.group() in OBJECT_VERBS and not region.rstrip().lower().endswith("that"):
            # "Blinken announced $2 billion …": the sentence is the claim, its subject named; a day it names
            # ("condemned the attack on Monday") is when they did.
            region += " " + claim
            claim = f"{phrase} {verb.group()} {claim}"
        # "On July 17, the day Russia quit the deal, … Nykyforov said …": a day named in the opening words
        prefix = earlier if adverbial or len(earlier.split()) <= LONGEST_CLAIMANT_WORDS else ""
        return Attribution(phrase=phrase, content=claim, region=f"{prefix} {leading} {region}")
    return None


def _sentence_subject(text: str) -> str:
    """The capitalised words a sentence opens with ("President Joe Biden signed …" → "President Joe Biden")."""
    subject = []
    for word in text.split():
        if not CAPITALISED.match(word) or word.endswith(","):
            if word.endswith(",") and CAPITALISED.match(word):
                subject.append(word.rstrip(","))
            break
        subject.append(word)
    return " ".join(subject) if 0 < len(subject) <= 5 else ""


def _apposed_subject(text: str, before: str, after: str, verb: str) -> Attribution | None:
    """The claimant at the start of the sentence, an apposition between it and the verb:
    "Ihor Klymenko, Ukraine's interior minister, said that …"."""
    parts = BOUNDARY.split(unquoted(before))
    # "Sergei Nechayev, Russia's ambassador in Berlin, on Wednesday called …", "…, had written …"
    between = _split_day(parts[2])[0].split() if len(parts) == 3 else ["-"]
    if len(parts) != 3 or any(word.lower() not in TRAILING_ADVERBS for word in between):
        return None
    subject_end = len(parts[0])
    phrase, leading = _claimant_segment(before[:subject_end])
    named_beside = parts[1].split()
    described = before[:subject_end].split()
    described_only = bool(described) and described[0].lower() in DETERMINERS and len(described) <= 4
    named = bool(named_beside) and all(CAPITALISED.match(word) for word in named_beside)
    if phrase is None and described_only and named:  # "The operator, Nord Stream AG, said …"
        phrase = before[:subject_end].strip()
    if phrase is None:
        return None
    claim, region = _after_verb(after, verb)
    said_that = region.rstrip().lower().endswith("that")  # "told Voice of America on Saturday that at least …"
    if len(claim.split()) < SHORTEST_CLAIM_WORDS or (CIRCUMSTANCE.match(claim) and not said_that):
        return None
    if verb in rules.DENIALS["en"]:
        claim = f"{phrase} {verb} {'that ' if region.rstrip().lower().endswith('that') else ''}{claim}"
    elif verb in OBJECT_VERBS and not region.rstrip().lower().endswith("that"):
        region += " " + claim
        claim = f"{phrase} {verb} {claim}"
    context = before[subject_end:]
    # "Antony Blinken, speaking to reporters in Athens on Tuesday, called …": the apposition may say when.
    return Attribution(
        phrase=phrase, content=claim, region=f"{leading} {parts[1]} {parts[2]} {region}", context=context
    )


def _claimant_segment(segment: str) -> tuple[str | None, str]:
    """The claimant in the words before a reporting verb, with the words that led up to it, or None
    when those words are not a claimant ("The village that Russia" is not)."""
    phrase, leading = _split_day(segment)
    words = phrase.split()
    while words and words[-1].lower() in TRAILING_ADVERBS:
        words.pop()
    while words and words[0].lower().strip(",") in rules.LEADING_FILLERS["en"]:
        words.pop(0)
    phrase = " ".join(words)
    if not words or len(words) > LONGEST_CLAIMANT_WORDS or RELATIVE.search(phrase):
        return None, leading
    lower = [word.lower().strip(",.") for word in words]
    if lower[0] in QUANTIFIERS:  # "Neither side's claims could be verified"
        return None, leading
    participles = [w for w in lower[1:] if w.endswith("ed") and "-" not in w and w not in NOT_PARTICIPLES]
    if set(lower) & FINITE or participles:  # "Moscow-installed leader" is a claimant; "forces captured" is not
        return None, leading
    if len(words) == 1 and lower[0] in rules.PRONOUNS["en"]:
        return phrase, leading
    if any(word[:1].isupper() for word in words[1:]) or (words[0][:1].isupper() and lower[0] not in DETERMINERS):
        return phrase, leading
    if lower[0] in DETERMINERS and set(lower) & CLAIMANT_NOUNS:
        return phrase, leading
    if set(lower) & CLAIMANT_NOUNS and len(words) <= 3:
        return phrase, leading
    return None, leading


def _split_day(phrase: str) -> tuple[str, str]:
    """The phrase without the words naming a day ("On Tuesday the ministry" → "the ministry"), and those."""
    found = re.search(rf"\b{DAY_PHRASE_EN}\b,?", phrase, re.IGNORECASE)
    if not found:
        return phrase.strip(" ,"), ""
    return (phrase[: found.start()] + phrase[found.end() :]).strip(" ,"), found.group()


def _after_verb(after: str, verb: str) -> tuple[str, str]:
    """The claim after a reporting verb, and the words between (when, where, "that")."""
    region = ""
    rest = after
    if verb in ("told", "tells"):
        told = TOLD_OBJECT.match(rest)
        if told:
            region += told.group()
            rest = rest[told.end() :]
        # "told the Interfax news agency on Friday that …": whom and when, up to "that".
        whom = re.match(r"^[^,;:]{0,80}?\bthat\b(?!\s+(?:day|morning|afternoon|evening|night|week))", rest)
        if whom:
            region += whom.group()
            rest = rest[whom.end() :]
    while True:
        found = AFTER_VERB_EN.match(rest)
        if not found or not found.group().strip():
            break
        region += found.group()
        rest = rest[found.end() :]
    # "said on national television that …", "claimed in a video yesterday afternoon that …"
    said_how = re.match(
        r"^\s*(?:in|on|at|during|to|via|through|with)\b(?:\s+[^\s,]+){0,8}?\s+that\b", rest, re.IGNORECASE
    )
    if said_how:
        region += said_how.group()
        rest = rest[said_how.end() :]
    return rest.strip(), region


def _cut(after: str) -> tuple[str, str, str]:
    """After "said" in "…, said Ihor Klymenko, Ukraine's interior minister, on Wednesday.": the claimant, the
    words about them, and the words naming the day."""
    body = after.strip().rstrip(".!?")
    body, region = _split_day(body)
    parts = [part.strip() for part in body.split(",") if part.strip()]
    if not parts:
        return "", "", region
    return parts[0], ", ".join(parts[1:]), region + " " + after


def _is_adverbial(words: str) -> bool:
    """Whether the words before a claimant only say when or where ("On Wednesday,", "In Kyiv,")."""
    words = words.strip(" ,")
    if not words:
        return True
    parts = [part.strip() for part in words.split(",") if part.strip()]
    if len(parts) > 1:  # "Earlier in the day, at a joint news conference at the White House,"
        return all(_is_adverbial(part) for part in parts)
    if len(words.split()) > 10:
        return False
    # "Standing next to Zelensky on Tuesday, Orban said …": a participle's clause says when and where.
    return bool(re.match(r"^(?:on|in|at|late|early|earlier|later|meanwhile|separately|overnight|[a-z]+ing|also|"
                         r"asked|writing|addressing|answering|responding|in a statement|however|but|and)\b", words,
                         re.IGNORECASE))  # fmt: skip


def _find_verb(text: str, language: str) -> re.Match[str] | None:
    return (VERB_EN if language == "en" else VERB_CYRILLIC[language]).search(text)


def _strip_fillers(phrase: str, language: str) -> str:
    words = phrase.split()
    while words and words[0].lower().strip(",") in rules.LEADING_FILLERS[language]:
        words.pop(0)
    while words and words[-1].lower() in TRAILING_ADVERBS:
        words.pop()
    return " ".join(words)


# --- Names -----------------------------------------------------------------------------------------------

CAPITALISED = re.compile(r"^(?:[A-ZА-ЯІЇЄҐЁ]|[A-Z]\.)")
NATIONALITIES = {"russian", "ukrainian", "us", "u.s.", "american", "british", "belarusian", "polish", "german"}
COUNTRY_ADJECTIVES = {"russia's": "Russian", "ukraine's": "Ukrainian", "moscow's": "Russian", "kyiv's": "Ukrainian"}
COUNTRY_ADJECTIVES |= {word.replace("'", "’"): adjective for word, adjective in COUNTRY_ADJECTIVES.items()}
CONNECTORS = {"of", "the", "for", "and", "in"}
PLACE_PREPOSITIONS = {"in", "at", "from", "of", "near", "for"}


def _name(phrase: str, language: str, *, context: str) -> tuple[str, bool, bool] | None:
    """(name, is a person, came with a title) for the words naming a claimant; the name is "" for a bare
    description ("the ministry"), None when the words name nobody."""
    if language != "en":
        return _cyrillic_name(phrase, language, context=context)
    words = [word.strip(",.;:") for word in phrase.split() if word.strip(",.;:")]
    if not words:
        return None
    lower = [word.lower() for word in words]
    titled = bool(set(lower) & rules.TITLES) or bool(set(context.lower().split()) & rules.TITLES)
    organisation = bool(set(lower) & rules.ORGANISATION_WORDS) and lower[-1] not in rules.TITLES
    person = _person_run(words)
    speaking_for = SPEAKING_FOR.match(" ".join(words))
    named_beside = _person_run([word.strip(",.;:") for word in context.split()][:6])
    if speaking_for and not _person_run(speaking_for[1].split())[1:] and not named_beside:
        # "a spokesman for the Odesa regional administration", "Leaders of the Group of Seven", with nobody
        # named beside: for whom they speak
        return _organisation_name(speaking_for[1].split()), False, False
    if person and (person[-1] == words[-1] or not organisation):  # "Kremlin spokesman Dmitry Peskov"
        return " ".join(person), True, titled
    apposed = _person_run([word.strip(",.;:") for word in context.split()][:6])
    if apposed and (titled or lower[0] in DETERMINERS or lower[0] in COUNTRY_ADJECTIVES):
        return " ".join(apposed), True, True  # "Ukraine's top commander, Oleksandr Syrskyi, said"
    adjectives_only = all(word.lower() in NATIONALITIES for word in words[1:] if CAPITALISED.match(word))
    described = lower[0] in DETERMINERS and adjectives_only
    beside = next((part for part in context.split(",") if part.strip()), "")
    named_beside = [word.strip(".;:") for word in beside.split()]
    if described and not person and named_beside and all(CAPITALISED.match(word) for word in named_beside):
        return _organisation_name(named_beside), False, False  # "The operator, Nord Stream AG, said"
    if described and not person and lower[-1] in CLAIMANT_NOUNS:
        return "", False, titled  # "the Russian ministry", "the defence ministry": named before, most likely
    if not any(CAPITALISED.match(word) for word in words[1:]) and not (
        CAPITALISED.match(words[0]) and lower[0] not in DETERMINERS
    ):
        if organisation and lower[0] not in DETERMINERS:  # "Ukraine's air force", lower case in the story
            return _organisation_name(words), False, False
        return "", not organisation, titled  # a description: "the ministry", "the spokesman"
    return _organisation_name(words), False, False


SPEAKING_FOR = re.compile(
    r"^(?:(?:an?|the)\s+)?(?:spokes(?:man|woman|person)|representative|press (?:service|office)|leaders|members|"
    r"sources?|officials?)\s+(?:for|of|in|at|within|close to)\s+(.+)$",
    re.IGNORECASE,
)


def _person_run(words: list[str]) -> list[str]:
    """The last run of capitalised words that is a person's name, titles taken off the front."""
    runs: list[list[str]] = []
    current: list[str] = []
    previous = ""
    for index, word in enumerate(words):
        following = words[index + 1] if index + 1 < len(words) else ""
        if (
            current
            and word.lower() in rules.NAME_PARTICLES
            and (following[:1].isupper() or following in rules.NAME_PARTICLES)
        ):
            current.append(word)  # "Ursula von der Leyen"
            continue
        # "the Defence Ministry in Moscow", "the Yamalo-Nenets region": a place, not a person
        place = not current and (previous in PLACE_PREPOSITIONS or previous in DETERMINERS)
        possessive = word.endswith(("'s", "’s"))
        # "Russian-installed", "Kremlin-backed": an adjective, not a name
        hyphenated_adjective = "-" in word and word.rsplit("-", 1)[1][:1].islower()
        # "The town's mayor"; "on Tuesday": a day is no name
        function_word = word.lower() in DETERMINERS | QUANTIFIERS | CONNECTORS | DAYS_AND_MONTHS
        if (
            CAPITALISED.match(word)
            and word.lower() not in COUNTRY_ADJECTIVES
            and not (possessive or place or function_word or hyphenated_adjective)
        ):
            current.append(word)
        else:
            if current:
                runs.append(current)
            current = []
        previous = word.lower()
    if current:
        runs.append(current)
    for run in reversed(runs):
        titles = [index for index, word in enumerate(run) if word.lower() in rules.TITLES]
        if titles:  # "Kyiv Mayor Vitali Klitschko", "Brigadier General Oleksandr Tarnavskyi"
            run = run[titles[-1] + 1 :]
        acronym = any(word.isupper() and len(word) > 1 for word in run)  # "TASS", "IAEA": organisations
        if run and len(run) <= 4 and not acronym and not {word.lower() for word in run} & rules.ORGANISATION_WORDS:
            return run
    return []


def _organisation_name(words: list[str]) -> str:
    while words and words[0].lower() in DETERMINERS:
        words = words[1:]
    words = [COUNTRY_ADJECTIVES.get(word.lower(), word) for word in words]
    text = " ".join(words)
    place = re.match(r"^(.+) in (Moscow|Kyiv|Kiev|Washington)$", text)
    if place:
        adjective = {"Moscow": "Russian", "Kyiv": "Ukrainian", "Kiev": "Ukrainian", "Washington": "US"}[place[2]]
        text = f"{adjective} {place[1]}"
    return " ".join(
        word if word.isupper() or word.lower() in CONNECTORS else word[:1].upper() + word[1:] for word in text.split()
    )


# --- Ukrainian and Russian -------------------------------------------------------------------------------

PRONOUNS_CYRILLIC = set(rules.PRONOUNS["uk"]) | set(rules.PRONOUNS["ru"])
VERB_CYRILLIC = {
    language: re.compile(
        r"(?<![\w-])(?P<verb>(?:"
        + "|".join(sorted(rules.VERBS[language], key=len, reverse=True))
        + ")"
        + rules.CYRILLIC_VERB_ENDINGS
        + "|"
        + "|".join(rules.CYRILLIC_WHOLE_VERBS[language])
        + r")(?![\w-])",
        re.IGNORECASE,
    )
    for language in ("uk", "ru")
}
ACCORDING_CYRILLIC = {
    language: re.compile(
        # "За словами в. о. міського голови …": the sayer runs to a comma (abbreviations have full stops)
        rf"(?:^|[,;]\s*)(?P<how>{rules.ACCORDING_TO[language]})(?:\s+(?P<who>[^,;]+?))?(?=[,;:]|\.?$)",
        re.IGNORECASE,
    )
    for language in ("uk", "ru")
}
# Words around a claimant that are not it: "в сообщении", "у Telegram", "в сводке", "компания", "пресс-служба".
NOT_CLAIMANT = {
    "uk": r"(?<![\w'’])(?:у|в|на|із|з|від)(?![\w'’])|"
    r"\b(?:повідомленн\w*|заяв\w*|зведенн\w*|(?:telegram|телеграм)-канал\w*|telegram\w*|телеграм\w*|facebook|фейсбук\w*|соцмереж\w*|"
    r"пресслужб\w*|прес-служб\w*|брифінг\w*|звіт\w*|інтерв.ю|журналіст\w*|(?:відео)?зверненн\w*|"
    r"відеоповідомленн\w*|відео|текст\w*|документ\w*|також|пізніше|"
    r"раніше)\b",
    "ru": r"(?<![\w'’])(?:в|во|на|из|от|у)(?![\w'’])|"
    r"\b(?:сообщени\w*|заявлени\w*|сводк\w*|(?:telegram|телеграм)-канал\w*|telegram\w*|телеграм\w*|facebook|соцсет\w*|пресс-служб\w*|"
    r"центр\w* общественных связей|брифинг\w*|отч[её]т\w*|интервью|журналист\w*|(?:видео)?обращени\w*|"
    r"видеосообщени\w*|видео|текст\w*|"
    r"документ\w*|также|позже|ранее)\b",
}
# Words that describe a claimant named before, in their dictionary form (any case will do: "у відомстві",
# "ведомства"), and whether they describe a person.
DESCRIPTIONS = {
    "uk": {"компанія": False, "відомство": False, "міністерство": False, "військовий": False, "речник": True,
           "речниця": True, "представник": True},
    "ru": {"компания": False, "ведомство": False, "министерство": False, "военный": False, "представитель": True,
           "пресс-секретарь": True},
}  # fmt: skip


def _attribute_cyrillic(text: str, language: str) -> Attribution | None:
    masked = unquoted(text)
    verb = VERB_CYRILLIC[language].search(masked)
    if verb is not None and re.match(rules.ABOUT_THIS[language], text.strip(), re.IGNORECASE):
        phrase, region = _cyrillic_phrase(text[verb.end() :].strip(" .,"), language)
        return Attribution(phrase=phrase, content="", region=region + " " + text, about_previous=True)
    quoted = _quote_then_tag(text, masked, language)
    if quoted:
        phrase, region = _cyrillic_phrase(quoted.phrase, language)
        # "«…», — говорится в заявлении": the statement of the organisation named last
        quoted.phrase = phrase or ("" if not STATEMENT_SAYS.search(quoted.region) else IT[language])
        return quoted
    according = ACCORDING_CYRILLIC[language].search(masked)
    possessive = POSSESSIVE.search(according["how"]) if according else None
    if according and possessive and verb is not None and verb.start() < according.start():
        according = None  # "У Міноборони Росії заявили, що …, за їхніми словами, …": the ministry's own words
    if according:
        who = text[according.start("who") : according.end("who")] if according["who"] else ""
        if possessive:  # "за її словами", "по его словам": the person named last
            whose = possessive.group().lower()
            who = {"їхніми": "вони", "их": "они", "її": "вона", "её": "она", "ее": "она"}.get(
                whose, {"uk": "він", "ru": "он"}[language]
            )
        content = (text[: according.start()] + text[according.end() :]).strip(" ,")
        if not possessive and according.start() == 0 and not claimants.person_words(who.split(), language):
            # "По сообщению агентства Синьхуа, Си Цзиньпин в четверг заявил, что …": the agency passes on what
            # the one it names said
            inner = _attribute_cyrillic(content, language)
            if inner is not None and any(CAPITALISED.match(word) for word in inner.phrase.split()):
                return inner
        phrase, region = _cyrillic_phrase(who, language)
        return Attribution(phrase=phrase, content=content, region=region + " " + who)
    for verb in islice(VERB_CYRILLIC[language].finditer(masked), VERBS_TRIED):
        before, after = text[: verb.start()], text[verb.end() :]
        if re.search(rules.NEGATIONS[language] + r"\s*$", before, re.IGNORECASE):
            continue
        boundaries = list(BOUNDARY.finditer(unquoted(before)))
        segment = before[boundaries[-1].end() :].strip() if boundaries else before.strip()
        aside = ""  # "выступая в субботу …": words set off after the sayer, which may say when it was said
        set_off = _set_off_from_sayer(before, language)
        if set_off:
            segment, aside, sayer_start = set_off
            boundaries = [match for match in boundaries if match.end() <= sayer_start]
        impersonal = re.fullmatch(rules.IMPERSONAL_SAYS[language], verb.group(), re.IGNORECASE)
        earlier = before[: boundaries[-1].start()] if boundaries else ""
        # "Про знахідку вчора повідомив президент …": words about what was said, its sayer after the verb.
        about = bool(segment) and bool({word.lower() for word in segment.split()[:2]} & ABOUT)  # "Першим про …"
        if not segment or about:
            apposed = _cyrillic_apposition(text, before, verb.group(), after, language) if not segment else None
            if apposed:  # "Его коллега, представитель СНБ Эдриенн Уотсон, сообщила, что …"
                return apposed
            if not earlier.strip() and not about:
                continue
            tail = _cyrillic_tail(after)
            phrase, region = _cyrillic_phrase(tail, language)
            if not phrase and impersonal and earlier.strip():
                # "…, йдеться в заяві, яку оприлюднив його речник": whoever the sentence or the story named
                return Attribution(phrase=ANYONE[language], content=earlier.strip(" ,—–-"), region=after,
                                   author_inside=True)  # fmt: skip
            if not phrase:
                continue
            context = after.strip()[len(tail) :]
            content = text if about else earlier.strip(" ,—–-")
            return Attribution(phrase=phrase, content=content, region=region + " " + after + " " + segment,
                               context=context)  # fmt: skip
        phrase, region = _cyrillic_phrase(segment, language)
        if not phrase and impersonal:
            phrase = ANYONE[language]  # "У заяві наголошується, що …": the statement of whoever was named last
        # "На початку місяця, 1 лютого, ГУР повідомило …": a day named in the opening words
        opening = earlier if len(earlier.split()) <= LONGEST_CLAIMANT_WORDS else ""
        region += " " + aside + " " + opening
        pronouns = [word for word in phrase.split() if word.lower() in rules.PRONOUNS[language]]
        if pronouns:  # "Саму постановку вопроса он также назвал …": he, not the words before him
            phrase = pronouns[-1]
        if not phrase:
            continue
        that = re.match(rf"^\s*(?:[^,:]{{0,60}}?)(?:,\s*(?:{rules.THAT[language]})\b|:)\s*", after, re.IGNORECASE)
        if re.match(r"\s*(?:на|в) честь\b", after, re.IGNORECASE):
            continue  # "корабель назвали на честь …": named after someone, nothing said
        denial = verb.group().lower().startswith(tuple(rules.DENIALS[language]))
        if denial:  # "У Кремлі заперечили, що …": the denial is the claim
            claim, region = f"{segment} {verb.group()}{after}", region + " " + after
        elif that:
            claim, region = after[that.end() :], region + " " + after[: that.end()]
        else:
            short = len(after.split()) < SHORTEST_CLAIM_WORDS
            if short and earlier.strip():
                return Attribution(phrase=phrase, content=earlier.strip(" ,—–-"), region=region + " " + after)
            claim = f"{segment} {verb.group()}{after}"
            region = region + " " + after
        return Attribution(phrase=phrase, content=claim, region=region + " " + segment)
    return None


def _set_off_from_sayer(before: str, language: str) -> tuple[str, str, int] | None:
    """The sayer, the words set off after it and where the sayer starts, when the words before a verb end in
    a clause set off by commas: "«Суспільне», посилаючись на джерело в СБУ, повідомило …", "Зеленский, не
    упоминая мост, заявил …", "Сунак, своєю чергою, наголосив …", "Кулеба, який …, закликав". Not "Россия
    разместит оружие, не нарушая режим, заявил Путин": words with a verb of their own are the claim, and
    the sayer follows the verb."""
    spans = _clause_spans(before)
    if len(spans) < 2:
        return None
    aside = before[spans[-1][0] : spans[-1][1]]
    words = [word for word in aside.split() if word.lower() != "не"]
    set_off = bool(words) and (
        claimants.is_gerund(words[0], language)
        or bool(re.fullmatch(rules.ASIDES[language], aside.strip()))
        or bool(claimants.lemmas(words[0], language) & rules.WHO_CYRILLIC)
    )
    sayer_start, sayer_end = spans[-2]
    sayer = before[sayer_start:sayer_end]
    if not set_off or claimants.has_verb(sayer, language):
        return None
    return sayer.strip(), aside, sayer_start


def _clause_spans(text: str) -> list[tuple[int, int]]:
    """Where each clause of the text begins and ends, between commas, dashes and the like (quotes masked)."""
    starts, ends = [0], []
    for boundary in BOUNDARY.finditer(unquoted(text)):
        ends.append(boundary.start())
        starts.append(boundary.end())
    ends.append(len(text))
    return [(start, end) for start, end in zip(starts, ends, strict=True) if text[start:end].strip()]


ABOUT = {"про", "об", "о"}
POSSESSIVE = re.compile(r"\b(?:його|її|їхніми|его|её|ее|их)\b", re.IGNORECASE)
DANGLING_PREPOSITIONS = {"за", "по", "до", "від", "от", "з", "с", "для", "про", "о", "об"}
# Verbs whose sentence is the claim (they take an object, not "що"/"что"): "назвал удар …", "обвинил Киев …".
OBJECT_STEMS_CYRILLIC = ("назва", "обвини", "звинувати", "потребова", "вимага", "засуди", "осуди")
STATEMENT_SAYS = re.compile(r"говорится|йдеться", re.IGNORECASE)
IT = {"uk": "воно", "ru": "оно"}
ANYONE = {"uk": "вони", "ru": "они"}
# Where the words after a verb stop naming its sayer: "— сказав він у відеозверненні". Not "з", "по", "за":
# they belong to names ("Державна служба з надзвичайних ситуацій", "Комитет по …").
CIRCUMSTANCE_CYRILLIC = {"у", "в", "во", "на", "під", "при", "после", "після", "перед", "через"}


GERUND_TAIL = re.compile(r"^\w+(?:чи|вши|вшись|ючись|ячись|ая|яя|уя|ясь|аясь)\b", re.IGNORECASE)


def _cyrillic_tail(after: str) -> str:
    """The words after a verb that name its sayer: up to the first comma, or to a preposition once the
    sayer is named ("— сказав він у відеозверненні" → "він"; "написав того ж дня в Telegram президент …"
    keeps going)."""
    clauses = re.split(r"[,.;:]", after.strip(), maxsplit=3)
    # "заявив, відкриваючи саміт, президент Індонезії …": past a gerund's clause set off after the verb
    if len(clauses) >= 3 and not clauses[0].strip() and clauses[1].split() and GERUND_TAIL.match(clauses[1].strip()):
        clauses = clauses[2:]
    words = clauses[0].split()
    for index, word in enumerate(words[1:], start=1):
        named = any(w[:1].isupper() or w.lower() in PRONOUNS_CYRILLIC for w in words[:index])
        if named and word.lower() in CIRCUMSTANCE_CYRILLIC:
            return " ".join(words[:index])
    return " ".join(words)


def _cyrillic_apposition(text: str, before: str, verb: str, after: str, language: str) -> Attribution | None:
    """A person named in the words set off before the verb: "Его коллега, представитель СНБ Эдриенн Уотсон,
    сообщила, что …"; without "что" ("Зеленский, находившийся в Хельсинки, отверг обвинения") the sentence
    is the claim."""
    parts = [part for part in BOUNDARY.split(unquoted(before)) if part.strip()]
    if len(parts) < 2:
        return None
    named = claimants.person_words(parts[-1].split(), language)
    if not named:  # "Министр … Сергей Лавров, выступая на Генеральной Ассамблее, обвинил …"
        first = parts[0].split()
        named = claimants.person_words(first, language)
        if named and named[-1][:3].lower() != first[-1][:3].lower():
            named = []  # the name must end the words before the comma
    if not named:
        return None
    that = re.match(rf"^\s*(?:[^,:]{{0,60}}?)(?:,\s*(?:{rules.THAT[language]})\b|:)\s*", after, re.IGNORECASE)
    if not that and verb.lower().startswith((*rules.DENIALS[language], *OBJECT_STEMS_CYRILLIC)):
        return Attribution(phrase=" ".join(named), content=text, region=after + " " + parts[-1])
    if not that:
        return None
    return Attribution(phrase=" ".join(named), content=after[that.end() :], region=after[: that.end()])


def _cyrillic_phrase(words: str, language: str) -> tuple[str, str]:
    """The claimant's words in a Ukrainian or Russian phrase ("в Генштабе ВСУ в среду" → "Генштабе ВСУ"),
    and the phrase itself (where the day is named)."""
    # "Йенс Столтенберг в Брюсселе": a place after a preposition past the first word is where, not who; so
    # is the occasion ("на совещании с членами правительства").
    words = re.sub(r"\s*\([^()]{1,40}\)", " ", words)  # "Игорь Стрелков (Гиркин)", "Інститут … (ISW)"
    words_only = re.sub(
        rf"(?:{rules.OCCASION_CYRILLIC})((?:\s+[A-ZА-ЯІЇЄҐЁ][\w'’-]*){{0,3}})",
        lambda found: " " + _not_genitive(found[1], language),  # "на заседании Совета Безопасности ООН"
        words,
        flags=re.IGNORECASE,
    )
    # But "в п'ятницю у Військово-морських силах", "у Генштабі" name the claimant.
    words_only = re.sub(r"(?<=\S)\s+(?:в|у|во)\s+([А-ЯІЇЄҐЁ][\w'’-]*)",
                        lambda found: " " if claimants.is_place(found[1], language) else found.group(),
                        words_only)  # fmt: skip
    # "Путін під час зустрічі з Шойгу": the person met, not the speaker ("служба з надзвичайних …" stays).
    words_only = re.sub(r"(?<=\S)\s+(?:з|зі|із|с|со)\s+[A-ZА-ЯІЇЄҐЁ][\w'’-]*(?:\s+[A-ZА-ЯІЇЄҐЁ][\w'’-]*)*", " ",
                        words_only)  # fmt: skip
    cleaned = re.sub(NOT_CLAIMANT[language], " ", words_only, flags=re.IGNORECASE)
    # Days and times are named in the phrase, not in the claimant: "в среду Минобороны" → "Минобороны",
    # "Позднее в оперштабе" → "оперштабе".
    cleaned = re.sub(rules.WHEN_CYRILLIC, " ", cleaned, flags=re.IGNORECASE)
    cleaned = re.sub(r"[«»“”\"()—–]", " ", cleaned)
    named = cleaned.split()
    while named and named[-1].lower() in DANGLING_PREPOSITIONS:  # "у звіті за 1 жовтня": "за" is left
        named.pop()
    while named and named[0].lower().strip(",") in rules.LEADING_FILLERS[language]:  # "Водночас …"
        named.pop(0)
    place = re.search(r"(?:^|\s)(?:в|во|у)\s+(\S+)", words, re.IGNORECASE)
    if named and place and named[0] == place[1]:  # "заявили в Кремле": the Kremlin, "Кремль"
        named[0] = claimants.from_locative(named[0], language)
    latin = re.search(r"(?:^|\s)((?:[A-Z][\w.-]*\s?){1,3})$", cleaned.strip())
    if latin and not re.search(r"[А-ЯІЇЄҐЁа-яіїєґё]", " ".join(named[-len(latin[1].split()) :])):
        before_latin = named[: -len(latin[1].split())]
        if before_latin and all(word[:1].islower() for word in before_latin):
            return latin[1].strip(), words  # "аналітики проєкту DeepState": DeepState
    quoted_name = re.search(r"«([^«»]{1,40})»\s*$", words_only)
    if quoted_name and _is_quoted_name(quoted_name[1]) and not claimants.person_words(named, language):
        # "Украинское общественное вещание «Суспильне»", "телеканал «Дождь»": the name is the quoted one, as
        # it is written (a name in quotes stands in the nominative).
        return quoted_name.group().strip(), words
    return " ".join(named), words


def _not_genitive(words: str, language: str) -> str:
    """The words after an occasion that are not its genitive ("Совета Безопасности ООН" after "на заседании"
    are; "Зеленський" after "На спільній пресконференції" is not)."""
    split = words.split()
    while split and (split[0].isupper() or "gent" in claimants.parsed(split[0], language)[0].tag.grammemes):
        split.pop(0)
    return " ".join(split)


def _cyrillic_name(phrase: str, language: str, *, context: str) -> tuple[str, bool, bool] | None:
    if phrase.startswith("«") and phrase.endswith("»"):
        # "«Суспильне»", kept from "общественное вещание «Суспильне»"; "за даними «Хортиці»": a word the
        # dictionary knows is put in the nominative, a name it does not know is kept as written
        return claimants.known_nominative(phrase[1:-1], language), False, False
    words = phrase.split()
    if not words or len(words) > LONGEST_CLAIMANT_WORDS:
        return None
    lower = [word.lower() for word in words]
    titled = bool(set(lower) & rules.TITLES) or bool(set(context.lower().split()) & rules.TITLES)
    person = claimants.person_words(words, language)
    organisation = any(claimants.is_organisation_word(word, language) for word in words) or any(
        word.isupper() and len(word) > 1 for word in words
    )
    ends_with_name = bool(person) and words[-1][:3].lower() == person[-1][:3].lower()
    # "Білий дім": a phrase ending in an organisation's word is the organisation, whoever it seems to name
    ends_with_organisation = (
        words[-1].islower() and claimants.is_organisation_word(words[-1], language) and not ends_with_name
    )
    few = len(person) < len(words) // 2
    if person and not ends_with_organisation and (ends_with_name or not (organisation and not titled and few)):
        return " ".join(person), True, titled  # "Координатор … Совета национальной безопасности США Джон Кирби"
    descriptions = DESCRIPTIONS[language]
    described = next(
        (descriptions[lemma] for lemma in claimants.lemmas(words[-1], language) if lemma in descriptions), None
    )
    if described is not None and not person:  # "ведомство", "военное ведомство", "у відомстві"
        return "", described, False
    titles = rules.PERSON_TITLES | {"представитель", "представник", "пресс-секретарь"}
    title_only = not any(word.isupper() for word in words) and bool(claimants.lemmas(words[-1], language) & titles)
    if not person and (claimants.lemmas(words[0], language) & titles or title_only):
        # "за словами глави держави", "по словам российского президента", "Северокорейский лидер"
        return "", True, True  # "добавил президент", "уточнил представитель Кремля": the person named last
    if not person and organisation and not any(CAPITALISED.match(word) or word.isupper() for word in words):
        return "", False, False  # "в штабе", "в оперштабе": the organisation named before
    if not any(CAPITALISED.match(word) for word in words) and not organisation:
        return None
    named = claimants.organisation_nominative(words, language)
    text = " ".join(named)
    return text[:1].upper() + text[1:], False, False


# --- The claim as one checkable sentence -----------------------------------------------------------------

COUNTRY_CUES = [
    (r"\b(?:russian?|russia's|moscow|kremlin)\b", "Russia's"),
    (r"\b(?:ukrainian?|ukraine's|kyiv)\b", "Ukraine's"),
    (r"\b(?:us|american|washington|pentagon)\b", "the US's"),
]


def _whose(claimant: ClaimantGuess) -> str:
    """Whose "its" means, for a claim read on its own: the claimant's country when its words say it."""
    words = f"{claimant.said_as} {claimant.name}".lower()
    for cue, possessive in COUNTRY_CUES:
        if re.search(cue, words):
            return possessive
    return f"{claimant.name}'s"


def _present_perfect(match: re.Match[str]) -> str:
    """Reported speech's "had done" as the claimant said it: "have done" (or "has" after a singular subject)."""
    subject = match.group(1)
    return f"{subject}{'have' if subject.rstrip().endswith('s') else 'has'} "


def _checkable(content: str, claimant: ClaimantGuess) -> str:
    """The claim's words as a sentence of their own: quotes and leading joiners off, a capital, a full stop."""
    text = " ".join(content.split()).strip(" ,;:—–-")
    if len(text) > 1 and text[0] in OPENING.keys() | {'"'} and QUOTED.fullmatch(text):
        text = text[1:-1].strip(" ,")
    text = re.sub(r"^(?:that|що|что)\s+", "", text, flags=re.IGNORECASE)
    if re.match(r"^(?:its|their)\s", text, re.IGNORECASE) and claimant.name and claimant.name.isascii():
        # "its air defences had shot down …" says whose: "Russia's air defences have shot down …".
        text = f"{_whose(claimant)} {text.split(' ', 1)[1]}"
        text = re.sub(r'^((?:\S+\s+){1,5}?)had\s+(?=["“]?\w)', _present_perfect, text, count=1)
    text = re.sub(r"\bwould\b", "will", text, count=1) if text.isascii() else text
    # "… were arriving and that more were on the way": the second "that" belonged to the reporting verb.
    text = re.sub(r",? (and|і|и|та) (?:that|що|что) ", r" \1 ", text)
    text = text.rstrip(" ,;:—–-")
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    if text[-1] not in ".!?…" and not (text[-1] in '”»"' and len(text) > 1 and text[-2] in ".!?"):
        text += "."
    return text
