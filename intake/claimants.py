"""Who made a claim: the words a story uses for a claimant, made into a name, and matched to the desk's
registry (docs/intake.md, "Claimants").

A story says "the Defence Ministry in Moscow", "Russia's defence ministry" or "Минобороны РФ"; the desk
knows the Russian Ministry of Defence by its name and aliases. Both sides are brought to one key (word
order, spelling, country adjectives, the usual abbreviations), and compared in Latin letters.
Ukrainian and Russian names arrive inflected ("по словам Дмитрия Пескова"); pymorphy3's dictionaries
(shipped in its packages, nothing downloaded) put them back in the nominative.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

import pymorphy3
from django.apps import apps
from django.db.models import Max
from rapidfuzz import fuzz, process

from claims import spelling
from claims.models import Claimant, ClaimantKind
from intake import rules
from intake.candidates import ClaimantGuess

# How alike two keys must be (0–100, word order aside) to name the same claimant.
SAME_CLAIMANT = 90
WORD = re.compile(r"[^\W_][\w'’.-]*")

# One spelling for what stories spell many ways; applied to registry names and story phrases alike.
REWRITES = [
    (r"\bdefense\b", "defence"),
    (r"\b(?:russia's|moscow's|russia)\b", "russian"),
    (r"\b(?:ukraine's|kyiv's|kiev's|ukraine)\b", "ukrainian"),
    (r"\bu\.?s\.?\b|\bunited states'?\b|\bamerica's\b|\bamerican\b|\bwashington's\b", "us"),
    (r"^(.+) in moscow$", r"russian \1"),
    (r"^(.+) in (?:kyiv|kiev)$", r"ukrainian \1"),
    (r"^(.+) in washington$", r"us \1"),
    (r"\bdepartment\b", "ministry"),
    (r"^(?:the )?(\w+) ministry of (\w+)$", r"\1 \2 ministry"),
    (r"^(?:the )?ministry of (\w+)$", r"\1 ministry"),
    (r"\bgeneral staff of (?:the )?(?:ukrainian )?armed forces(?: of ukrainian)?\b", "general staff"),
    (r"\bukrainian armed forces'? general staff\b", "ukrainian general staff"),
    (r"\bministry of defence\b|\bdefence ministry\b", "defence ministry"),
    (r"\bминистерство обороны\b|\bминистерства обороны\b", "минобороны"),
    (r"\bміністерство оборони\b|\bміністерства оборони\b", "міноборони"),
    (r"\bгенеральн\w* штаб\w*", "генштаб"),
    (r"\bгенштаб\w*", "генштаб"),
    (r"\b(?:россии|российской федерации|рф|росії|російської федерації)\b", "рф"),
    (r"\b(?:вооруж[её]нных сил украины|вс украины|всу|збройних сил україни|зс україни|зсу)\b", "зсу"),
    (r"\bthe\b", ""),
]
REWRITES_COMPILED = [(re.compile(pattern), replacement) for pattern, replacement in REWRITES]
FILLER_WORDS = {"of", "the", "and"}
MORPH_LANGUAGES = {"uk": "uk", "ru": "ru"}
PERSON_TAGS = {"Name", "Surn", "Patr"}
UNLIKELY_NAME = 0.1
FUNCTION_POS = {"ADVB", "NPRO", "CONJ", "PRCL", "PREP", "PRED", "INTJ"}
PREPOSITIONS = {
    "у",
    "в",
    "во",
    "на",
    "до",
    "з",
    "із",
    "зі",
    "від",
    "от",
    "из",
    "к",
    "по",
    "під",
    "под",
    "над",
    "біля",
    "возле",
}


def key(name: str) -> str:
    """The spelling-free key of a claimant's name: "The Defence Ministry in Moscow" → "russian defence ministry"."""
    text = " ".join(WORD.findall(name.lower().replace("’", "'")))
    for pattern, replacement in REWRITES_COMPILED:
        text = pattern.sub(replacement, text).strip()
    return " ".join(word for word in text.split() if word not in FILLER_WORDS)


@dataclass(frozen=True)
class Known:
    id: int
    name: str
    kind: str
    is_person: bool


class Registry:
    """The desk's claimants, keyed every way a story might spell them."""

    def __init__(self, claimants: list[tuple[int, str, list[str], str]]):
        self.by_key: dict[str, Known] = {}
        self.by_surname: dict[str, list[Known]] = {}
        for pk, name, aliases, kind in claimants:
            known = Known(pk, name, kind, kind in (ClaimantKind.PERSON, ClaimantKind.OFFICIAL))
            for spelled in [name, *aliases]:
                for form in {key(spelled), *(key(latin) for latin in spelling.latin_forms(spelled))}:
                    if form:
                        self.by_key.setdefault(form, known)
                if known.is_person and len(spelled.split()) > 1:  # "Blinken" for Antony Blinken
                    for latin in spelling.latin_forms(spelled):
                        self.by_surname.setdefault(latin.split()[-1], []).append(known)

        self.keys = list(self.by_key)
        self.found: dict[str, Known | None] = {}

    def find(self, name: str) -> Known | None:
        """The claimant called `name` (in any spelling the keys allow), or None. Asked again for a name, it
        remembers: a story names its claimants many times."""
        if name not in self.found:
            self.found[name] = self._find(name)
        return self.found[name]

    def _find(self, name: str) -> Known | None:
        forms = [key(name), *(key(latin) for latin in spelling.latin_forms(name))]
        for form in forms:
            if form in self.by_key:
                return self.by_key[form]
        for form in forms:  # "Минобороны" for the one claimant known as "Минобороны России"
            if len(form) >= 6:
                longer = {known.id: known for key, known in self.by_key.items() if key.startswith(form + " ")}
                if len(longer) == 1:
                    return next(iter(longer.values()))
        words = name.split()
        if len(words) == 1:  # a surname alone ("Blinken", "Путин"), when only one person has it
            for latin in spelling.latin_forms(name):
                people = {known.id: known for known in self.by_surname.get(latin, [])}
                if len(people) == 1:
                    return next(iter(people.values()))
        for form in forms:
            if len(form) < 6:  # "mod", "it": too short to be near anything by chance alone
                continue
            found = process.extractOne(form, self.keys, scorer=fuzz.token_sort_ratio, score_cutoff=SAME_CLAIMANT)
            if found is not None:
                return self.by_key[found[0]]
        return None


_registry: tuple[int | None, Registry] | None = None


def registry() -> Registry:
    """The registry as the database holds it now; rebuilt only when a claimant changed (one query otherwise)."""
    global _registry
    events = apps.get_model("claims", "ClaimantEvent")
    version = events.objects.aggregate(newest=Max("pgh_id"))["newest"]
    if _registry is None or _registry[0] != version:
        rows = list(Claimant.objects.values_list("id", "name", "aliases", "kind"))
        _registry = (version, Registry(rows))
    return _registry[1]


def kind_of(name: str, *, is_person: bool, titled: bool) -> str:
    """A new claimant's likely kind, from its name and whether a title came with it."""
    if is_person:
        return rules.OFFICIAL_KIND if titled else rules.PERSON_KIND
    words = {word.lower() for word in WORD.findall(name)}
    for kind, kind_words in rules.ORGANISATION_KINDS:
        if words & set(kind_words.split()):
            return kind
    if words & rules.PERSON_TITLES:  # "the governor of Belgorod": an office, held by a person
        return rules.OFFICIAL_KIND
    return ClaimantKind.ORGANISATION


def guess(name: str, *, said_as: str, is_person: bool, titled: bool, known_to: Registry) -> ClaimantGuess:
    """The claimant the desk knows by `name` (in the registry `known_to`), or a new one of a guessed kind."""
    known = known_to.find(name)
    if known is not None:
        return ClaimantGuess(name=known.name, id=known.id, kind=known.kind, said_as=said_as)
    return ClaimantGuess(name=name, kind=kind_of(name, is_person=is_person, titled=titled), said_as=said_as)


@cache
def morphology(language: str) -> pymorphy3.MorphAnalyzer:
    return pymorphy3.MorphAnalyzer(lang=MORPH_LANGUAGES[language])


@lru_cache(maxsize=50_000)
def parsed(word: str, language: str) -> tuple:
    """The dictionary's readings of a word, best first; remembered, since a story repeats its words."""
    return tuple(morphology(language).parse(word))


def person_words(words: list[str], language: str) -> list[str]:
    """The words of a Ukrainian or Russian phrase that make a person's name ("Дмитрия Пескова"), in the
    nominative ("Дмитрий Песков"): the last capitalised surname, first name or patronymic the dictionary
    knows, with the capitalised words next to it that are neither titles nor organisations (the dictionary
    does not know every first name: "Володимир")."""

    def tagged(word: str) -> list:
        readings = [parse for parse in parsed(word, language) if PERSON_TAGS & set(parse.tag.grammemes)]
        # A name only by a far-fetched reading ("Московская" as a surname, 4 %) is no name.
        return readings if sum(parse.score for parse in readings) >= UNLIKELY_NAME else []

    def may_join(word: str, *, before_name: bool = False) -> bool:
        lower = word.lower()
        top = parsed(word, language)[0]
        readings = [set(parse.tag.grammemes) for parse in parsed(word, language)]
        place = any({"Geox", "Orgn"} & r for r in readings[:2]) and not any(PERSON_TAGS & r for r in readings)
        # "Росії", "Києва" in the Ukrainian dictionary: known things only, nobody's name
        thing = all(parse.is_known and {"NOUN", "inan"} <= set(parse.tag.grammemes) for parse in parsed(word, language))
        return (
            word[:1].isupper()
            and not word.isupper()
            and not place  # "Украины", "Севастополя": where the person is from, not their name
            # "Володимир Сальдо" stays whole; "Си Цзиньпин": a short name before a surname is a name
            and not (thing and before_name and len(word) > 3)
            and lower not in rules.TITLES
            and lower not in rules.NOT_NAMES
            and lower not in rules.ORGANISATION_WORDS
            # "Накануне Путин": an adverb, a pronoun or a conjunction opening the sentence is no name
            and not (top.is_known and top.tag.POS in FUNCTION_POS)
        )

    # "у Києві", "в Москве": a place after its preposition, not a person
    after_preposition = {index for index in range(1, len(words)) if words[index - 1].lower() in PREPOSITIONS}
    known = [
        index
        for index, word in enumerate(words)
        if word[:1].isupper() and index not in after_preposition and tagged(word)
    ]
    if not known:
        # Names the dictionary does not know ("Володимир Сальдо"): two or three capitalised words ending
        # the phrase, none a title or an organisation.
        tail = 0
        while (
            tail < min(3, len(words))
            and len(words) - 1 - tail not in after_preposition  # "в Марий Эл": a place
            and may_join(words[len(words) - 1 - tail], before_name=tail > 0)
        ):
            word = words[len(words) - 1 - tail]
            if parsed(word, language)[0].tag.POS in ("ADJF", "PRTF"):  # "Генеральной Ассамблее": no name
                break
            tail += 1
        if tail < 2:
            return []
        return [_surname_nominative(word, language) for word in words[len(words) - tail :]]
    last = known[-1]
    start = last
    while start > 0 and last - start < 2 and may_join(words[start - 1], before_name=True):
        start -= 1
    # "ЧВК Вагнер Евгений Пригожин": a name starts at its first name, not at the word before it.
    first_names = [i for i in range(start, last + 1) if "Name" in parsed(words[i], language)[0].tag.grammemes]
    # The first name nearest before the surname ("Джон Кирби": "Кирби" reads as a first name too).
    before_surname = [index for index in first_names if index < last]
    surname_follows = last + 1 < len(words) and may_join(words[last + 1])
    if before_surname:
        start = before_surname[-1]
        # "Реджеп Тайїп Ердоган": two first names; but "ЧВК Вагнер Евгений Пригожин": after an organisation
        # ("ЧВК"), a name is the organisation's.
        while start - 1 in first_names and not (start >= 2 and _names_organisation(words[start - 2], language)):
            start -= 1
    elif last in first_names and surname_follows:  # "офиса Зеленского Михаил Подоляк": the name is the last two
        start = last
    end = last + 1
    while end < len(words) and end - start < 3 and may_join(words[end]):  # a surname it does not know: "Лубинец"
        end += 1
    top = parsed(words[start], language)[0]
    if end - start == 1 and top.is_known and {"NOUN", "inan", "nomn"} <= set(top.tag.grammemes):
        return []  # "Влада закликала …": the authorities, though "Влада" is also a name
    named = []
    first_name = [parse for parse in tagged(words[start]) if "Name" in parse.tag.grammemes][:1]
    woman = bool(first_name) and first_name[0].tag.gender == "femn"
    for index in range(start, end):
        word, parses = words[index], tagged(words[index])
        if "-" in word and index > start:  # "Львову-Белову": each part of a double surname, in the nominative
            named.append("-".join(_surname_part(part, language, woman=woman) for part in word.split("-")))
            continue
        if index == start and end - start > 1:  # a name's first word is a first name: "Ганна", not "Ганн"'s
            parses = [parse for parse in parses if "Name" in parse.tag.grammemes] or parses
        elif woman:  # "Марія Захарова" is no Захаров: a woman's surname keeps its feminine form
            parses = [parse for parse in parses if parse.tag.gender == "femn"]
            if not parses and "nomn" in first_name[0].tag.grammemes:
                named.append(word)  # her name as the story writes it, already the nominative
                continue
        named.append(_person_nominative(word, parses) if parses else _surname_nominative(word, language))
    return _with_particles(words, start, end, named, language)


def _surname_part(part: str, language: str, *, woman: bool) -> str:
    readings = [parse for parse in parsed(part, language) if "Surn" in parse.tag.grammemes]
    if woman:
        readings = [parse for parse in readings if parse.tag.gender == "femn"]
    return _nominative(part, readings[0]) if readings else part


def _with_particles(words: list[str], start: int, end: int, named: list[str], language: str) -> list[str]:
    """A name (words[start:end], `named` in the nominative) with the particles inside it, whichever end of
    it the dictionary knew: "Урсула фон дер Ляєн" from its surname, "Урсула фон дер Ляйен" from its first
    name."""

    def name_word(index: int) -> bool:
        return 0 <= index < len(words) and words[index][:1].isupper() and not words[index].isupper()

    before = start
    while before > 0 and words[before - 1].lower() in rules.NAME_PARTICLES:
        before -= 1
    if before < start and name_word(before - 1):
        first = words[before - 1]
        names = [parse for parse in parsed(first, language) if "Name" in parse.tag.grammemes]
        return [_person_nominative(first, names) if names else first, *words[before:start], *named]
    after = end
    while after < len(words) and words[after].lower() in rules.NAME_PARTICLES:
        after += 1
    if end - start == 1 and after > end and name_word(after):
        return [*named, *words[end : after + 1]]
    return named


def _names_organisation(word: str, language: str) -> bool:
    return (word.isupper() and len(word) > 1) or is_organisation_word(word, language)


def lemmas(text: str, language: str) -> set[str]:
    """The words of a phrase in their dictionary form ("штаба" → "штаб"); English words lower-cased."""
    words = {word.lower() for word in WORD.findall(text)}
    if language not in MORPH_LANGUAGES:
        return words
    return words | {parsed(word, language)[0].normal_form for word in words}


def is_organisation_word(word: str, language: str) -> bool:
    """Whether a word names an organisation ("штабе", "міністерства" as much as "штаб")."""
    return bool(lemmas(word, language) & rules.ORGANISATION_WORDS)


def has_verb(text: str, language: str) -> bool:
    """Whether Ukrainian or Russian words hold a finite verb ("Россия разместит оружие"): a statement, no name."""
    return any(parsed(word.lower(), language)[0].tag.POS == "VERB" for word in WORD.findall(text))


def is_place(word: str, language: str) -> bool:
    """Whether a capitalised word after "в"/"у" is where ("Брюсселі", "Москве"), not who ("Генштабі",
    "Військово-морських силах"): a noun that names no organisation."""
    reading = parsed(word, language)[0]
    return reading.tag.POS == "NOUN" and not is_organisation_word(word, language)


def known_nominative(name: str, language: str) -> str:
    """A one-word name in the nominative when the dictionary knows the word ("Хортиці" → "Хортиця"); a name
    it only guesses at stays as written ("Суспильне")."""
    if len(name.split()) != 1:
        return name
    reading = parsed(name, language)[0]
    return _nominative(name, reading) if reading.is_known and reading.tag.POS == "NOUN" else name


def is_gerund(word: str, language: str) -> bool:
    """Whether a Ukrainian or Russian word is a gerund or participle ("посилаючись", "выступая",
    "оприлюдненому"): it opens a clause about how the sayer spoke, not the sayer."""
    tag = parsed(word.lower(), language)[0].tag
    # The Ukrainian dictionary reads a participle as an adjective with a voice: "ADJF,pssv,perf".
    return tag.POS in ("GRND", "PRTF") or (tag.POS == "ADJF" and bool({"pssv", "actv"} & set(tag.grammemes)))


def _person_nominative(word: str, parses: list) -> str:
    """A name in the nominative. Where the dictionary only guesses, a name ending in a vowel ("Гросси",
    "Кирби": foreign names that do not decline) or read as a plural ("Эдриенн") is kept as written."""
    guess = parses[0]
    if not guess.is_known and (word[-1:].lower() in "иеоуэюі" or "plur" in guess.tag.grammemes):
        return word
    return _nominative(word, parses[0])


def _surname_nominative(word: str, language: str) -> str:
    """A surname the dictionary reads as an adjective ("Зеленського") in the nominative ("Зеленський")."""
    for parse in parsed(word, language):
        # Singular readings only: "Развожаев" read as a plural would become "Развожаи".
        if parse.tag.POS in ("ADJF", "NOUN") and "sing" in parse.tag.grammemes and "nomn" not in parse.tag.grammemes:
            return _nominative(word, parse)
    return word


def organisation_nominative(words: list[str], language: str) -> list[str]:
    """An organisation's phrase with its first noun in the nominative ("Генштабе ЗСУ" → "Генштаб ЗСУ"); the
    words that depend on it keep their case ("Министерства обороны России" → "Министерство обороны России")."""
    for index, word in enumerate(words):
        parses = [parse for parse in parsed(word, language) if parse.tag.POS == "NOUN"]
        if any("nomn" in parse.tag.grammemes for parse in parsed(word, language)):
            return words  # already the nominative ("Головне управління розвідки")
        if parses:
            # The adjectives before it agree with it: "Військово-морських силах" → "Військово-морські сили".
            agreeing = [_adjective_nominative(before, parses[0], language) for before in words[:index]]
            return [*agreeing, _nominative(word, parses[0]), *words[index + 1 :]]
    return words


def _adjective_nominative(word: str, noun: pymorphy3.analyzer.Parse, language: str) -> str:
    """An adjective before an organisation's noun, in the nominative of that noun's number (and gender)."""
    number = "plur" if "plur" in noun.tag.grammemes else "sing"
    readings = [parse for parse in parsed(word, language) if parse.tag.POS in ("ADJF", "PRTF")]
    # The reading in the noun's case, else any ("британського уряду": the noun reads as a dative too)
    for parse in [parse for parse in readings if noun.tag.case in parse.tag.grammemes] or readings[:1]:
        wanted = {"nomn", number} | ({noun.tag.gender} if number == "sing" and noun.tag.gender else set())
        # The Ukrainian dictionary marks no number on a singular adjective ("ADJF masc,loct").
        inflected = parse.inflect(wanted) or parse.inflect(wanted - {"sing"})
        if inflected is None:
            return word
        form = inflected.word
        return form[:1].upper() + form[1:] if word[:1].isupper() else form
    return word


def from_locative(word: str, language: str) -> str:
    """A noun after "в"/"у" put back in the nominative ("Кремле" → "Кремль"), when it reads as a locative."""
    for parse in parsed(word, language):
        if parse.tag.POS == "NOUN" and {"loct", "loc2"} & set(parse.tag.grammemes):
            return _nominative(word, parse)
    return word


def _nominative(word: str, parse: pymorphy3.analyzer.Parse) -> str:
    if "nomn" in parse.tag.grammemes or "Fixd" in parse.tag.grammemes:
        return word
    inflected = parse.inflect({"nomn"})
    if inflected is None:
        return word
    form = inflected.word
    if word.isupper():
        return form.upper()
    return form[:1].upper() + form[1:] if word[:1].isupper() else form
