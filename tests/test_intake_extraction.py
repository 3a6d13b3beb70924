"""Intake's extractor (intake/extraction.py): the attribution rules, claimants, dates and bad input.

The regression tests read whole stories of the annotated set (tests/intake_stories/) and assert every
candidate exactly; the set's accuracy figures are the benchmark's business (bench/intake.py), not a test's.
"""

import datetime as dt

import pytest

from bench.intake import load_stories
from claims.demo_data import CLAIMANTS
from claims.models import Appearance, Claim, Claimant, ClaimantKind, Source
from intake import claimants as intake_claimants
from intake.dates import day_named
from intake.extraction import MAX_CANDIDATES, MAX_STORY_CHARS, Unreadable, extract
from tests.factories import ClaimFactory

WEDNESDAY = dt.date(2024, 5, 15)


@pytest.fixture
def registry(db):
    """The demo desk's claimants, with their aliases: what a desk's registry holds."""
    return {
        claimant.name: Claimant.objects.create(name=claimant.name, kind=claimant.kind, aliases=list(claimant.aliases))
        for claimant in CLAIMANTS
    }


def story(name: str):
    return next(s for s in load_stories() if s.name == name)


def rows(extraction):
    return [(c.text, c.claimant.name, c.claimed_on.isoformat(), c.quote) for c in extraction.candidates]


def test_the_annotated_set_is_well_formed():
    stories = load_stories()
    languages = [s.language for s in stories]
    assert len(stories) >= 15
    assert languages.count("en") >= 10 and languages.count("uk") >= 2 and languages.count("ru") >= 2
    for each in stories:
        assert each.claims, each.name
        for claim in each.claims:
            assert each.text.count(claim.sentence) == 1, (each.name, claim.sentence)
            assert claim.claimed_on <= each.published


def test_english_story_regression(registry):
    wire = story("en-01-robotyne-atacms")
    assert rows(extract(wire.text, wire.published, duplicates=False)) == [
        (
            'Russian troops had "completely liberated" Robotyne, a village in the southern Zaporizhzhia region that'
            " Ukrainian forces recaptured last summer.",
            "Russian Ministry of Defence",
            "2024-05-15",
            "completely liberated",
        ),
        (
            "Russia's air defences have shot down 10 US-made ATACMS missiles over Crimea overnight.",
            "Russian Ministry of Defence",
            "2024-05-15",
            "",
        ),
        (
            "17 Ukrainian drones had been destroyed over the Belgorod, Kursk and Bryansk regions, which border"
            " Ukraine.",
            "Russian Ministry of Defence",
            "2024-05-15",
            "",
        ),
        (
            'Ukraine\'s units have moved to "more advantageous positions" near Lukyantsi and Vovchansk in the Kharkiv'
            " region.",
            "General Staff of the Armed Forces of Ukraine",
            "2024-05-15",
            "more advantageous positions",
        ),
        (
            "President Volodymyr Zelensky has cancelled all of his foreign trips planned for the coming days.",
            "Serhiy Nykyforov",
            "2024-05-15",
            "",
        ),
        (
            "US Secretary of State Antony Blinken announced an additional $2 billion in foreign military financing for"
            " Ukraine.",
            "Antony Blinken",
            "2024-05-15",
            "",
        ),
        (
            "Weapons from the aid package approved by Congress last month were already arriving and more were on the"
            " way.",
            "Antony Blinken",
            "2024-05-14",  # "In a speech … on Tuesday, Blinken said" in a story of Wednesday
            "",
        ),
        (
            'Russia had to "double and triple" its efforts to increase arms production.',
            "Vladimir Putin",
            "2024-05-15",
            "double and triple",
        ),
    ]


def test_russian_story_regression(registry):
    wire = story("ru-01-wagner-mutiny-ends")
    extraction = extract(wire.text, wire.published, duplicates=False)
    assert extraction.language == "ru"
    assert [(name, day, quote) for _, name, day, quote in rows(extraction)] == [
        ("Евгений Пригожин", "2023-06-24", ""),  # "Основатель ЧВК «Вагнер» Евгений Пригожин накануне вечером"
        ("Vladimir Putin", "2023-06-24", "ударом в спину"),  # the registry's alias "Владимир Путин"
        ("Vladimir Putin", "2023-06-24", ""),  # "По его словам": the person named last
        ("Александр Лукашенко", "2023-06-24", ""),
        ("Дмитрий Песков", "2023-06-24", ""),
        ("Дмитрий Песков", "2023-06-24", ""),  # «Вагнера» is a name in quotes, no quotation
        ("Сергей Собянин", "2023-06-24", ""),
        ("Василий Голубев", "2023-06-25", ""),
    ]
    assert extraction.candidates[2].text == (
        "Все, кто сознательно встал на путь предательства, понесут неизбежное наказание."
    )


def test_ukrainian_story_regression(registry):
    wire = story("uk-03-kharkiv-border-offensive")
    extraction = extract(wire.text, wire.published, duplicates=False)
    assert extraction.language == "uk"
    assert [(name, day) for _, name, day, _ in rows(extraction)] == [
        ("Russian Ministry of Defence", "2024-05-11"),
        ("Міністерство оборони України", "2024-05-10"),
        ("Володимир Зеленський", "2024-05-10"),
        ("General Staff of the Armed Forces of Ukraine", "2024-05-11"),
        ("Олег Синєгубов", "2024-05-11"),
        ("Олег Синєгубов", "2024-05-11"),  # "За його словами"
    ]
    quote = extraction.candidates[2].quote
    assert quote.startswith("Росія розпочала") and quote.endswith("артилерією")  # a quote over two sentences


@pytest.mark.parametrize(
    ("sentence", "claimant", "text"),
    [
        (
            "The Defence Ministry in Moscow said its troops had taken Robotyne.",
            "Russian Ministry of Defence",
            "Russia's troops have taken Robotyne.",
        ),
        (
            "Russian forces took two villages near Vovchansk, the ministry said.",
            "",  # a description with nobody named before it: a candidate whose claimant the fact-checker gives
            "Russian forces took two villages near Vovchansk.",
        ),
        (
            "Ukraine's air force shot down 20 of 25 drones overnight, according to the General Staff.",
            "General Staff of the Armed Forces of Ukraine",
            "Ukraine's air force shot down 20 of 25 drones overnight.",
        ),
        (
            "Kremlin spokesman Dmitry Peskov said talks were not on the agenda.",
            "Dmitry Peskov",
            "Talks were not on the agenda.",
        ),
        (
            "Ten missiles struck the city, said Ihor Klymenko, Ukraine's interior minister.",
            "Ihor Klymenko",
            "Ten missiles struck the city.",
        ),
        (
            '"We will not stop. We will keep going," Putin told reporters.',
            "Vladimir Putin",
            "We will not stop. We will keep going.",
        ),
    ],
)
def test_english_attribution_rules(registry, sentence, claimant, text):
    candidates = extract(sentence, WEDNESDAY, duplicates=False).candidates
    assert [(c.claimant.name, c.text) for c in candidates] == [(claimant, text)]


def test_pronouns_also_and_added_carry_the_claimant_and_its_day(registry):
    text = (
        "The Russian Defence Ministry said on Tuesday that its forces had captured Robotyne. "
        "It also reported that 17 drones were shot down over Belgorod. "
        "Separately, Ukrainian President Volodymyr Zelensky cancelled his trip to Spain. "
        "He said the situation in Kharkiv was difficult but under control."
    )
    found = extract(text, WEDNESDAY, duplicates=False).candidates
    assert [(c.claimant.name, c.claimant.said_as, c.claimed_on) for c in found] == [
        ("Russian Ministry of Defence", "The Russian Defence Ministry", dt.date(2024, 5, 14)),
        ("Russian Ministry of Defence", "It", dt.date(2024, 5, 14)),
        ("Volodymyr Zelensky", "He", WEDNESDAY),  # named in a sentence that credits nobody
    ]
    assert found[2].claimant.is_new and found[2].claimant.kind == ClaimantKind.OFFICIAL


def test_reporter_narrative_is_offered_below_the_line_not_as_a_candidate(registry):
    text = (
        "Robotyne was one of the few villages Ukraine retook in its 2023 counteroffensive."
        " The claim could not be verified."
    )
    extraction = extract(text, WEDNESDAY, duplicates=False)
    assert extraction.candidates == []
    assert [s.text for s in extraction.unattributed] == [
        "Robotyne was one of the few villages Ukraine retook in its 2023 counteroffensive.",
        "The claim could not be verified.",
    ]


def test_offsets_point_at_the_sentence_after_the_dateline(registry):
    text = (
        "KYIV, May 15 (wire) - Russia's Defence Ministry said its troops had taken Robotyne.\n\nNo one else commented."
    )
    extraction = extract(text, WEDNESDAY, duplicates=False)
    [candidate] = extraction.candidates
    assert extraction.text[candidate.start : candidate.end] == candidate.sentence
    assert candidate.sentence.startswith("Russia's Defence Ministry")


def test_likely_duplicates_on_the_desk_are_found(registry):
    known = ClaimFactory(
        text="Russia's air defences shot down 10 US-made ATACMS missiles over Crimea.",
        claimant=registry["Russian Ministry of Defence"],
    )
    text = "The Russian Defence Ministry said its air defences had shot down 10 US-made ATACMS missiles over Crimea."
    [candidate] = extract(text, WEDNESDAY).candidates
    assert [claim.pk for claim in candidate.duplicates] == [known.pk]


def test_extraction_writes_nothing(registry):
    before = (Claim.objects.count(), Claimant.objects.count(), Source.objects.count(), Appearance.objects.count())
    wire = story("en-05-october-missile-strikes")  # new claimants: Zaluzhnyi, Klitschko, Zelensky
    extraction = extract(wire.text, wire.published)
    assert any(c.claimant.is_new for c in extraction.candidates)
    assert (Claim.objects.count(), Claimant.objects.count(), Source.objects.count(), Appearance.objects.count()) == (
        before
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "nothing to read"),
        ("   \n\t ", "nothing to read"),
        ("x" * (MAX_STORY_CHARS + 1), "up to 100,000"),
        ("a" * (1024 * 1024), "1,048,576 characters"),
        ("PK\x03\x04\x14\x00\x06\x00binary", "NUL bytes"),
        ("said\x00said", "NUL bytes"),
        ("".join(chr(1 + code % 8) for code in range(300)) + " said words", "does not read as text"),
        ("12 345 67 -- 89", "no words"),
    ],
)
def test_unreadable_text_is_refused_with_a_reason(db, text, message):
    with pytest.raises(Unreadable, match=message):
        extract(text, WEDNESDAY)


@pytest.mark.parametrize(
    ("words", "language", "day"),
    [
        ("said on Tuesday evening", "en", dt.date(2024, 5, 14)),
        ("said on Wednesday", "en", WEDNESDAY),
        ("announced overnight", "en", WEDNESDAY),
        ("said yesterday", "en", dt.date(2024, 5, 14)),
        ("said on 28 December", "en", dt.date(2023, 12, 28)),
        ("said on May 12", "en", dt.date(2024, 5, 12)),
        ("the mayor 12 said", "en", None),
        ("у вівторок увечері", "uk", dt.date(2024, 5, 14)),
        ("в ніч на середу", "uk", WEDNESDAY),
        ("серед іншого", "uk", None),
        ("накануне", "ru", dt.date(2024, 5, 14)),
        ("12 мая", "ru", dt.date(2024, 5, 12)),
        ("среди прочего", "ru", None),
    ],
)
def test_claimed_day_from_the_words_and_the_story_date(words, language, day):
    assert day_named(words, WEDNESDAY, language) == day


@pytest.mark.parametrize(
    ("said", "known"),
    [
        ("the Defence Ministry in Moscow", "Russian Ministry of Defence"),
        ("Russia's defense ministry", "Russian Ministry of Defence"),
        ("Міністерство оборони Росії", "Russian Ministry of Defence"),
        ("Минобороны РФ", "Russian Ministry of Defence"),
        ("Генштаб ВСУ", "General Staff of the Armed Forces of Ukraine"),
        ("the Ukrainian general staff", "General Staff of the Armed Forces of Ukraine"),
        ("Путин", "Vladimir Putin"),
        ("Сергей Никифоров", "Serhiy Nykyforov"),
        ("Serhii Nykyforov", "Serhiy Nykyforov"),
        ("the Kremlin", None),
    ],
)
def test_claimants_are_matched_to_the_registry_in_any_spelling(registry, said, known):
    found = intake_claimants.registry().find(said)
    assert (found.name if found else None) == known


def test_a_text_with_hundreds_of_attributions_proposes_at_most_the_cap(registry):
    said = "Russia's Defence Ministry said that its forces had taken village number {} overnight."
    extraction = extract(" ".join(said.format(n) for n in range(320)), WEDNESDAY, duplicates=False)
    assert len(extraction.candidates) == MAX_CANDIDATES
    assert extraction.left_out == 320 - MAX_CANDIDATES


@pytest.mark.parametrize(
    ("text", "claimant", "day"),
    [
        (
            "The operator, Nord Stream AG, said on Tuesday that the damage to three strings was unprecedented.",
            "Nord Stream AG",
            dt.date(2024, 5, 14),
        ),
        (
            "The town's mayor, Anatoliy Fedoruk, said that 280 people had been buried in mass graves.",
            "Anatoliy Fedoruk",
            WEDNESDAY,
        ),
        ("Kremlin spokesman Dmitry Peskov condemned the attack on Monday as a provocation.", "Dmitry Peskov", None),
        (
            "Его коллега, представитель СНБ Эдриенн Уотсон, сообщила, что Вашингтон передал Москве данные о теракте.",
            "Эдриенн Уотсон",
            WEDNESDAY,
        ),
        (
            "Запорожская АЭС лишилась линии электропередачи, сообщил генеральный директор МАГАТЭ Рафаэль Гросси.",
            "Рафаэль Гросси",  # a foreign name that does not decline stays as written
            WEDNESDAY,
        ),
        (
            "«Росія всюди лишає по собі смерть. І вона за це відповідатиме», — сказав Зеленський у відеозверненні.",
            "Зеленський",
            WEDNESDAY,
        ),
    ],
)
def test_appositions_and_tags_name_the_claimant(registry, text, claimant, day):
    [candidate] = extract(text, WEDNESDAY, duplicates=False).candidates
    assert candidate.claimant.name == claimant
    assert candidate.claimed_on == (day or dt.date(2024, 5, 13))


def test_a_stray_replacement_character_or_form_feed_does_not_refuse_a_story(registry):
    text = "Kremlin spokesman Dmitry Peskov said talks were impossible.\x0cIt was Peskov\ufffds third statement."
    [candidate] = extract(text, WEDNESDAY, duplicates=False).candidates
    assert candidate.text == "Talks were impossible."


def test_a_denial_is_logged_as_the_denial_not_as_what_was_denied(registry):
    english = extract(
        "Kremlin spokesman Dmitry Peskov denied that Russian forces had struck a hospital in Kyiv.", WEDNESDAY
    )
    assert [c.text for c in english.candidates] == [
        "Kremlin spokesman Dmitry Peskov denied that Russian forces had struck a hospital in Kyiv."
    ]
    ukrainian = extract("У Кремлі заперечили, що російська армія завдає ударів по житлових будинках.", WEDNESDAY)
    assert [c.text for c in ukrainian.candidates] == [
        "У Кремлі заперечили, що російська армія завдає ударів по житлових будинках."
    ]


def test_a_long_text_of_verbs_and_an_unclosed_quote_is_read_in_bounded_work(registry):
    """A hundred thousand characters of "said" or an opening quote never closed: each sentence is looked at
    for its first few verbs only, and a quote is not joined past a few thousand characters."""
    for text in ('"' + "we will win he said " * 4900, "said " * 19000):
        extraction = extract(text, WEDNESDAY, duplicates=False)
        assert all(len(c.sentence) <= 3_000 for c in extraction.candidates)


@pytest.mark.parametrize(
    ("text", "claimant"),
    [
        ("В Кремле заявили, что переговоры с Киевом сейчас невозможны по ряду причин.", "Кремль"),
        ("Переговоры невозможны по ряду причин, сообщили в Минобороны России.", "Russian Ministry of Defence"),
        ("The ministry said that 17 drones had been shot down over the Belgorod region.", ""),
    ],
)
def test_claimants_named_by_place_or_left_for_the_fact_checker(registry, text, claimant):
    [candidate] = extract(text, WEDNESDAY, duplicates=False).candidates
    assert candidate.claimant.name == claimant


def test_a_names_first_word_is_read_as_a_first_name(registry):
    """ "Ганна" is a first name in the nominative here, not the genitive of a surname "Ганн"."""
    text = "Заступниця міністра оборони Ганна Маляр повідомила, що 53 тяжкопоранених вивезли до Новоазовська."
    [candidate] = extract(text, WEDNESDAY, duplicates=False).candidates
    assert candidate.claimant.name == "Ганна Маляр"


def test_the_dateline_place_given_with_the_story_is_cut_from_its_first_sentence(registry):
    text = "Kyiv - Russia's Defence Ministry said its troops had taken the village of Robotyne."
    without = extract(text, WEDNESDAY, duplicates=False).candidates
    given = extract(text, WEDNESDAY, dateline="Kyiv", duplicates=False).candidates
    assert [c.sentence for c in without] == [
        "Kyiv - Russia's Defence Ministry said its troops had taken the village of Robotyne."
    ]
    assert [c.sentence for c in given] == [
        "Russia's Defence Ministry said its troops had taken the village of Robotyne."
    ]


@pytest.mark.parametrize(
    ("text", "claimant", "day"),
    [
        # When it was said stands beside the claimant, and is not part of it.
        (
            "Пізніше ввечері Генеральний штаб ЗСУ повідомив, що атаку біля Часового Яру відбито.",
            "General Staff of the Armed Forces of Ukraine",
            None,
        ),
        (
            "Командувач Сил оборони Олександр Тарнавський тим часом заявив, що окупанти втратили 30 танків.",
            "Олександр Тарнавський",
            None,
        ),
        ("Позднее в Кремле уточнили, что телефонный разговор продолжался около часа.", "Кремль", None),
        (
            "5 травня Державний департамент США через своє посольство в Києві закликав громадян виїхати.",
            "Державний департамент США",
            dt.date(2024, 5, 5),
        ),
        # The person met is not the speaker.
        (
            "Путин на встрече с Шойгу во вторник заявил, что наступление идёт по плану.",
            "Vladimir Putin",
            dt.date(2024, 5, 14),
        ),
        # A channel, an outlet, a quoted name: its name.
        ("Telegram-канал Rybar утверждал, что российские войска вошли в село Работино.", "Rybar", None),
        ("Телеканал «Дождь», ссылаясь на свои источники, сообщил, что обмен пленными отложен.", "Дождь", None),
        (
            "Агентство «Интерфакс» со ссылкой на источник в ведомстве сообщило, что учения флота завершены.",
            "Интерфакс",
            None,
        ),
        # A woman's surname keeps its form; a country before a name is not part of it.
        ("Речниця МЗС Росії Марія Захарова різко засудила рішення Києва закрити посольство.", "Марія Захарова", None),
        # A word that is a surname only by a far-fetched reading is no name.
        (
            "Московская прокуратура в среду предупредила, что за участие в акциях грозит уголовное дело.",
            "Московская прокуратура",
            None,
        ),
        # Two first names before a surname.
        (
            "Президент Реджеп Тайїп Ердоган заявив, що Туреччина готова прийняти переговори.",
            "Реджеп Тайїп Ердоган",
            None,
        ),
        # Adjectives before an organisation's noun agree with it in the nominative.
        (
            "Усі 20 дронів збито над Київщиною, заявили в Повітряних силах ЗСУ.",
            "Повітряні сили ЗСУ",
            None,
        ),
    ],
)
def test_cyrillic_claimants_without_the_words_around_them(registry, text, claimant, day):
    [candidate] = extract(text, WEDNESDAY, duplicates=False).candidates
    assert candidate.claimant.name == claimant
    assert candidate.claimed_on == (day or WEDNESDAY)


def test_a_clause_with_a_gerund_keeps_its_day_and_leaves_the_sayer_before_it(registry):
    text = "Министр Сергей Лавров, выступая в понедельник в Совбезе ООН, обвинил Запад в затягивании войны."
    [candidate] = extract(text, WEDNESDAY, duplicates=False).candidates
    assert (candidate.claimant.name, candidate.claimed_on) == ("Сергей Лавров", dt.date(2024, 5, 13))


def test_a_described_organisation_is_resolved_by_its_words_and_in_any_case(registry):
    russian = extract(
        "Пожар на нефтебазе потушен, сообщил оперативный штаб Курской области. "
        "По предварительным данным штаба, погибших и раненых нет.",
        WEDNESDAY,
        duplicates=False,
    ).candidates
    assert [c.claimant.name for c in russian] == ["Оперативный штаб Курской области"] * 2
    english = extract(
        "Russia's Defence Ministry said its air defences had downed 17 drones overnight. "
        "The interior ministry said the same day that nobody had been hurt in the city.",
        WEDNESDAY,
        duplicates=False,
    ).candidates
    assert [c.claimant.name for c in english] == ["Russian Ministry of Defence", "Interior Ministry"]


def test_possessive_according_to_after_a_named_sayer_keeps_the_sayer(registry):
    text = "У Міністерстві оборони Росії заявили, що удари, за їхніми словами, були завдані по складах зброї."
    [candidate] = extract(text, WEDNESDAY, duplicates=False).candidates
    assert candidate.claimant.name == "Russian Ministry of Defence"


@pytest.mark.parametrize(
    ("text", "claimant", "day"),
    [
        (
            "A drone hit a depot before dawn, a spokesman for the Kharkiv regional administration said.",
            "Kharkiv Regional Administration",
            WEDNESDAY,
        ),
        (
            "Dmitry Peskov said the talks had stalled. In his view, Kyiv was not ready for a ceasefire.",
            "Dmitry Peskov",
            WEDNESDAY,
        ),
        (
            "Standing next to Zelensky on Monday, Orban said he had asked for a quick ceasefire.",
            "Orban",
            dt.date(2024, 5, 13),
        ),
    ],
)
def test_english_descriptions_views_and_participle_openers(registry, text, claimant, day):
    candidate = extract(text, WEDNESDAY, duplicates=False).candidates[-1]
    assert (candidate.claimant.name, candidate.claimed_on) == (claimant, day)


@pytest.mark.parametrize(
    ("text", "claimant", "day"),
    [
        # Particles and two-part surnames belong to the name, in the nominative.
        (
            "Голова Єврокомісії Урсула фон дер Ляєн у вівторок заявила, що Україна заслуговує на статус кандидата.",
            "Урсула фон дер Ляєн",
            dt.date(2024, 5, 14),
        ),
        (
            "Обмен детьми обсудили с Марией Львовой-Беловой, сообщила в среду Мария Львова-Белова.",
            "Мария Львова-Белова",
            None,
        ),
        # A gerund's clause after the claim: the sayer follows the verb.
        (
            "Россия разместит оружие в Белоруссии, не нарушая договоров, заявил накануне президент Владимир Путин.",
            "Vladimir Putin",
            dt.date(2024, 5, 14),
        ),
        (
            "Владимир Зеленский в обращении во вторник, не называя страну, заявил, что союзники медлят с ракетами.",
            "Владимир Зеленский",
            dt.date(2024, 5, 14),
        ),
        # A title in any case, after "за словами".
        (
            "Президент Володимир Зеленський провів нараду. За словами глави держави, ситуація на фронті складна.",
            "Володимир Зеленський",
            None,
        ),
    ],
)
def test_cyrillic_names_whole_and_titles_in_any_case(registry, text, claimant, day):
    candidate = extract(text, WEDNESDAY, duplicates=False).candidates[-1]
    assert (candidate.claimant.name, candidate.claimed_on) == (claimant, day or WEDNESDAY)


def test_a_narrative_sentence_remembers_everyone_it_names_and_its_day(registry):
    text = (
        "Президент Володимир Зеленський у вівторок звільнив генерала Валерія Залужного. "
        "Зеленський подякував йому за службу, повідомили в Офісі президента. "
        "Сам Залужний у вівторок увечері опублікував фото з президентом. "
        "Він написав, що мав важливу і серйозну розмову з главою держави."
    )
    candidates = extract(text, WEDNESDAY, duplicates=False).candidates
    assert [(c.claimant.name, c.claimed_on) for c in candidates][-1] == ("Валерій Залужний", dt.date(2024, 5, 14))


def test_the_same_morning_is_the_day_named_before(registry):
    text = (
        "Росія у вівторок завдала удару по Дніпру новою ракетою. "
        "Повітряні сили ЗСУ того ж ранку повідомили, що ракету запустили з Астраханської області."
    )
    [candidate] = extract(text, WEDNESDAY, duplicates=False).candidates
    assert (candidate.claimant.name, candidate.claimed_on) == ("Повітряні сили ЗСУ", dt.date(2024, 5, 14))


@pytest.mark.parametrize(
    ("text", "claimant", "day"),
    [
        (
            "Secretary of State Antony Blinken, speaking to reporters in Athens on Monday, called the decision "
            "deeply unfortunate.",
            "Antony Blinken",
            dt.date(2024, 5, 13),
        ),
        (
            "Zelensky spoke to Congress late on Monday. Earlier in the day, at a joint news conference at the "
            "White House, President Joe Biden said the United States would stand with Ukraine.",
            "Joe Biden",
            dt.date(2024, 5, 13),
        ),
        (
            "Dmitry Peskov on Tuesday praised what he called the restraint of the Polish leadership.",
            "Dmitry Peskov",
            dt.date(2024, 5, 14),
        ),
        (
            "Leaders of the Group of Seven said in a joint declaration that they would back Ukraine for years.",
            "Group of Seven",
            WEDNESDAY,
        ),
    ],
)
def test_english_appositions_occasions_and_collectives(registry, text, claimant, day):
    candidate = extract(text, WEDNESDAY, duplicates=False).candidates[-1]
    assert (candidate.claimant.name, candidate.claimed_on) == (claimant, day)


def test_a_statement_inside_a_subordinate_clause_is_no_candidate(registry):
    text = "Both houses of parliament voted on Wednesday to leave the treaty, a day after Putin announced the step."
    assert extract(text, WEDNESDAY, duplicates=False).candidates == []


@pytest.mark.parametrize(
    ("text", "claimant"),
    [
        # Words set off between the sayer and the verb: an aside, a participle's clause.
        ("Прем'єр Ріші Сунак, своєю чергою, наголосив, що Британія підтримуватиме Україну й надалі.", "Ріші Сунак"),
        ("Орбан у відео, оприлюдненому у Facebook, заявив, що рішення про переговори є помилкою.", "Орбан"),
        # The occasion and its genitive are not the sayer; the sayer after an occasion is.
        (
            "Василий Небензя на заседании Совета Безопасности ООН заявил, что удар был преднамеренным.",
            "Василий Небензя",
        ),
        ("На спільній пресконференції Зеленський заявив, що Україна отримала гарантії безпеки.", "Зеленський"),
        # A centre or an institute is who spoke, not where.
        ("Об этом сообщили в Центре общественных связей ФСБ России. Боевики вытеснены на территорию Украины.", ""),
        (
            "В американському Інституті вивчення війни у звіті за 1 жовтня дійшли висновку, що росіяни захопили місто.",
            "Американський Інститут вивчення війни",
        ),
        # A name in Latin letters after descriptions; a quoted name the dictionary knows, in the nominative.
        ("Ще у вівторок аналітики проєкту DeepState повідомили, що російські війська зайшли в місто.", "DeepState"),
        ("За даними «Хортиці», російське командування спрямувало резерви на фланги.", "Хортиця"),
        # A description with a word of its own, named nowhere before, is a name.
        ("За даними британського уряду, Лондон надасть Україні 2,5 мільярда фунтів.", "Британський уряд"),
    ],
)
def test_cyrillic_asides_occasions_and_names_of_organisations(registry, text, claimant):
    candidates = extract(text, WEDNESDAY, duplicates=False).candidates
    if not claimant:  # "Об этом сообщили …": the sentence before is the claim, credited to the centre
        assert [c.claimant.name for c in candidates] == []
        return
    assert candidates[-1].claimant.name == claimant


def test_a_description_of_a_person_or_an_organisation_is_resolved_to_one_of_its_sort(registry):
    russian = extract(
        "Лидер Белоруссии Александр Лукашенко заявил, что оружие будет размещено до июля. "
        "Президент России Владимир Путин заявил, что договор не нарушает обязательств. "
        "Белорусский лидер также назвал решение вынужденным ответом Западу.",
        WEDNESDAY,
        duplicates=False,
    ).candidates
    assert russian[-1].claimant.name == "Александр Лукашенко"  # the person whose words the description shares
    english = extract(
        "The International Atomic Energy Agency said drones had hit the plant's main reactor. "
        "Its director general, Rafael Grossi, said the attacks had to stop at once. "
        "The agency said in a separate post that one casualty had been reported.",
        WEDNESDAY,
        duplicates=False,
    ).candidates
    assert [c.claimant.name for c in english][-1] == "International Atomic Energy Agency"


def test_told_whom_then_that_keeps_a_claim_starting_with_at_least(registry):
    text = (
        "Kyrylo Budanov, head of Ukraine's military intelligence agency, told Voice of America on Saturday "
        "that at least nine people had been killed."
    )
    [candidate] = extract(text, WEDNESDAY, duplicates=False).candidates
    assert (candidate.claimant.name, candidate.claimed_on) == ("Kyrylo Budanov", dt.date(2024, 5, 11))
    assert candidate.text.startswith("At least nine people")


def test_a_statement_that_says_without_an_author_is_whoever_the_sentence_or_story_named(registry):
    text = (
        "Генеральний секретар ООН Антоніу Гутерріш «приголомшений» повідомленнями про удар по школі, "
        "йдеться в заяві, яку оприлюднив його речник. "
        "У заяві наголошується, що цивільні особи мають бути захищені під час будь-якої війни."
    )
    candidates = extract(text, WEDNESDAY, duplicates=False).candidates
    assert [c.claimant.name for c in candidates] == ["Антоніу Гутерріш", "Антоніу Гутерріш"]


def test_people_named_beside_the_claimant_are_remembered_for_their_surname(registry):
    text = (
        "Blinken told a joint news conference with Foreign Minister Dmytro Kuleba on Tuesday that aid was coming. "
        "Kuleba told the same news conference that air defence remained the most urgent need."
    )
    candidates = extract(text, WEDNESDAY, duplicates=False).candidates
    assert [(c.claimant.name, c.claimed_on) for c in candidates][-1] == ("Dmytro Kuleba", dt.date(2024, 5, 14))


@pytest.mark.parametrize(
    ("text", "claimant", "day"),
    [
        (
            "The statement came after Wagner chief Yevgeny Prigozhin said on Monday that a brigade had fled.",
            "Yevgeny Prigozhin",
            dt.date(2024, 5, 13),
        ),
        (
            "On May 12, the day the talks ended, spokesman Serhiy Nykyforov said the corridor would keep working.",
            "Serhiy Nykyforov",
            dt.date(2024, 5, 12),
        ),
        (
            "На початку місяця, 3 травня, ГУР повідомило про знищення ракетного катера біля Криму.",
            "ГУР",
            dt.date(2024, 5, 3),
        ),
        ("По оценке Путина, российские войска улучшают своё положение по всей линии фронта.", "Vladimir Putin", None),
        (
            "Си Цзиньпин заявил, что Пекин придерживается нейтральной позиции.",
            "Си Цзиньпин",
            None,
        ),
    ],
)
def test_openings_subordinate_clauses_and_names_from_afar(registry, text, claimant, day):
    candidate = extract(text, WEDNESDAY, duplicates=False).candidates[-1]
    assert (candidate.claimant.name, candidate.claimed_on) == (claimant, day or WEDNESDAY)


def test_named_after_someone_is_no_claim(registry):
    text = "Великий десантний корабель збудували в Польщі і назвали на честь радянського командира."
    assert extract(text, WEDNESDAY, duplicates=False).candidates == []


@pytest.mark.parametrize(
    ("text", "claimant"),
    [
        ("Білий дім повідомив, що обидва лідери виступили проти ядерної загрози.", "Білий дім"),
        ("Накануне Путин провёл переговоры. Путин заявил, что Россия открыта для диалога с Западом.", "Vladimir Putin"),
        (
            "Председатель Еврокомиссии Урсула фон дер Ляйен назвала решение «Газпрома» шантажом Европы.",
            "Урсула фон дер Ляйен",
        ),
        ("«Президенту постоянно докладывают о ситуации в регионе», — цитирует Пескова агентство.", "Песков"),
        ("Бывший министр Игорь Стрелков (Гиркин) в понедельник заявил, что потери армии скрываются.", "Игорь Стрелков"),
        ("Водночас російський Телеграм-канал WarGonzo визнав, що літак було збито над морем.", "WarGonzo"),
        (
            "Міністр Дмитро Кулеба, який того ранку виступав перед колегами з ЄС, закликав запровадити санкції "
            "проти Ірану.",
            "Дмитро Кулеба",
        ),
        ("Мир має зупинити війну, заявив, відкриваючи саміт, президент Індонезії Джоко Відодо.", "Джоко Відодо"),
        (
            "По сообщению агентства Синьхуа, Си Цзиньпин в четверг заявил, что Китай готов к сотрудничеству.",
            "Си Цзиньпин",
        ),
    ],
)
def test_cyrillic_organisations_aliases_clauses_and_agencies_passing_words_on(registry, text, claimant):
    candidate = extract(text, WEDNESDAY, duplicates=False).candidates[-1]
    assert candidate.claimant.name == claimant


@pytest.mark.parametrize(
    ("text", "claimant", "day"),
    [
        (
            '"The aircraft was hit by a Russian jet," General James Hecker, who commands U.S. Air Forces in Europe, '
            "said in a statement on Tuesday.",
            "James Hecker",
            dt.date(2024, 5, 14),
        ),
        (
            "The drone hit the ship's hull below the waterline, a source in Ukraine's SBU security service said. "
            "The source said the drone had carried 450 kg of explosives.",
            "Ukrainian SBU Security Service",
            WEDNESDAY,
        ),
        (
            "The Caspian Pipeline Consortium said ship movements in the port had been briefly halted.",
            "Caspian Pipeline Consortium",
            WEDNESDAY,
        ),
        (
            "The Russian Defence Ministry gave a different account on Tuesday. It said the drone had been flying "
            "towards Russia's borders.",
            "Russian Ministry of Defence",
            dt.date(2024, 5, 14),
        ),
        (
            "On the eve of the summit, Orban had written on X that he would not back the package.",
            "Orban",
            dt.date(2024, 5, 14),
        ),
    ],
)
def test_english_tags_sources_consortia_and_organisations_named_in_narrative(registry, text, claimant, day):
    candidate = extract(text, WEDNESDAY, duplicates=False).candidates[-1]
    assert (candidate.claimant.name, candidate.claimed_on) == (claimant, day)
