"""Synthetic desk data at scale, for benchmarks (`manage.py seed_scale`).

A million claims must load in minutes, so rows are streamed to PostgreSQL with COPY in large batches
and the audit history is written set-based afterwards. Everything happens in one transaction: a
failure or an interruption leaves the database as it was, audit triggers included.

What the data looks like, and why:
- claims in English and Ukrainian, built from sentence templates, places and numbers, so full-text
  search meets a realistic vocabulary; spread over the two years up to now, denser recently;
- 0 to 8 evidence links per claim (about 3 on average), sources near the claim's time on outlets of
  every affiliation, so independence shows;
- reviews that follow the desk's rules: a claim's status is its last approved review's proposal,
  `previous_status` is the status when the review was proposed, approved verdicts meet their
  evidence gate (claims.workflow.unmet_gate) and carry an evidence snapshot, at most one review
  pending per claim; a small queue of pending proposals;
- one busy week (the last complete ISO week unless told otherwise) holding a tenth of the claims'
  verdicts, for the weekly CSV export;
- one claim with exactly 20 evidence links, for the claim page;
- an audit history as the app's triggers would have written it (an insert event when each row was
  created, an update event for claims and reviews that changed since), because reports and the
  claim page read wording and evidence from it.

The generator is deterministic for a given --seed, claim count and moment.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import math
import random
import time
import uuid
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import pghistory.trigger
import pgtrigger
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone
from psycopg.copy import QueuedLibpqWriter

from claims.demo_data import AFFILIATIONS, KNOWN_OUTLETS
from claims.models import (
    Affiliation,
    Claim,
    Claimant,
    ClaimantKind,
    ClaimTag,
    Decision,
    Evidence,
    Outlet,
    Review,
    Source,
    SourceKind,
    Stance,
    Status,
    Tag,
)
from claims.reports import IsoWeek
from claims.roles import EDITORS, FACT_CHECKERS

# --- Proportions ------------------------------------------------------------------------------------

SPAN_DAYS = 730  # claims are spread over the two years up to now
BUSY_SHARE = 0.10  # of all claims get their verdict in the busy week
CLAIMS_PER_CHUNK = 20_000  # claims generated and copied per batch: bounded memory, few round trips
TWENTY_LINKS = 20  # the benchmark's "claim page with 20 evidence links"
FACT_CHECKER_COUNT = 50
EDITOR_COUNT = 10
EVIDENCE_COUNT_WEIGHTS = [14, 15, 17, 17, 14, 10, 6, 4, 3]  # 0..8 links; about 3 on average with the gates
# Final statuses of claims that are not in the busy week. Unverified ones may still have had a
# proposal returned or withdrawn.
STATUS_WEIGHTS = {
    Status.UNVERIFIED: 38,
    Status.DISPUTED: 7,
    Status.CORROBORATED: 14,
    Status.CONFIRMED: 12,
    Status.MISLEADING: 8,
    Status.FALSE: 12,
    Status.UNVERIFIABLE: 9,
}
DECIDED = [status for status in STATUS_WEIGHTS if status != Status.UNVERIFIED]
# An earlier verdict that a later one corrected: final status -> what it may have been before.
CORRECTED_FROM = {
    Status.CONFIRMED: [Status.CORROBORATED, Status.DISPUTED],
    Status.FALSE: [Status.DISPUTED, Status.UNVERIFIABLE],
    Status.MISLEADING: [Status.CORROBORATED, Status.CONFIRMED],
    Status.CORROBORATED: [Status.DISPUTED],
    Status.DISPUTED: [Status.CORROBORATED],
    Status.UNVERIFIABLE: [Status.DISPUTED],
}
CORRECTION_SHARE = 0.08
RETURNED_SHARE = 0.15
WITHDRAWN_SHARE = 0.03
# Stances of links beyond what a verdict's gate needs, by the claim's final status.
STANCE_WEIGHTS = {
    Status.UNVERIFIED: (45, 20, 35),
    Status.DISPUTED: (40, 40, 20),
    Status.CORROBORATED: (70, 5, 25),
    Status.CONFIRMED: (75, 5, 20),
    Status.MISLEADING: (25, 35, 40),
    Status.FALSE: (15, 65, 20),
    Status.UNVERIFIABLE: (30, 20, 50),
}
STANCES = (Stance.CORROBORATES, Stance.CONTRADICTS, Stance.CONTEXT)
PRIORITY_WEIGHTS = [20, 55, 20, 5]  # low, normal, high, urgent
TAG_COUNT_WEIGHTS = [25, 35, 25, 15]  # 0..3 tags
UKRAINIAN_SHARE = 0.35
HOUR = 3600
NULL = "\\N"  # COPY's text format for a missing value
DAY = 86400

# --- Vocabulary (written for this generator) -------------------------------------------------------

# The sides (AFFILIATIONS) and the well-known outlets (KNOWN_OUTLETS) are the demo desk's, from
# claims/demo_data.py, so the two never disagree about who is independent of whom.

# Regional and specialist outlets are generated from these: (city slug, city name, affiliation pool).
OUTLET_CITIES = [
    ("kharkiv", "Kharkiv"),
    ("kyiv", "Kyiv"),
    ("odesa", "Odesa"),
    ("dnipro", "Dnipro"),
    ("zaporizhzhia", "Zaporizhzhia"),
    ("kherson", "Kherson"),
    ("mykolaiv", "Mykolaiv"),
    ("sumy", "Sumy"),
    ("chernihiv", "Chernihiv"),
    ("lviv", "Lviv"),
    ("poltava", "Poltava"),
    ("vinnytsia", "Vinnytsia"),
    ("kramatorsk", "Kramatorsk"),
    ("cherkasy", "Cherkasy"),
    ("ternopil", "Ternopil"),
    ("rivne", "Rivne"),
]
RUSSIAN_CITIES = [
    ("belgorod", "Belgorod"),
    ("kursk", "Kursk"),
    ("bryansk", "Bryansk"),
    ("voronezh", "Voronezh"),
    ("rostov", "Rostov"),
    ("krasnodar", "Krasnodar"),
    ("donetsk", "Donetsk"),
    ("lugansk", "Lugansk"),
]
OUTLET_WORDS = [
    ("today", "Today"),
    ("news", "News"),
    ("online", "Online"),
    ("info", "Info"),
    ("express", "Express"),
    ("vechir", "Vechir"),
    ("post", "Post"),
    ("times", "Times"),
    ("live", "Live"),
    ("24", "24"),
    ("pravda", "Pravda"),
    ("vesti", "Vesti"),
    ("herald", "Herald"),
    ("monitor", "Monitor"),
]
WIRE_PREFIXES = [
    "euro",
    "baltic",
    "nordic",
    "atlantic",
    "danube",
    "carpathian",
    "pontic",
    "central",
    "eastern",
    "global",
]
WIRE_SUFFIXES = [
    "wire",
    "post",
    "observer",
    "monitor",
    "herald",
    "review",
    "dispatch",
    "report",
    "journal",
    "chronicle",
]
TLDS_UKRAINIAN = ["com.ua", "ua", "net", "info"]
TLDS_INTERNATIONAL = ["com", "eu", "org", "net"]

# English name, Ukrainian name, region key
PLACES = [
    ("Kharkiv", "Харків", "kharkiv"),
    ("Vovchansk", "Вовчанськ", "kharkiv"),
    ("Lukyantsi", "Лук'янці", "kharkiv"),
    ("Kupiansk", "Куп'янськ", "kharkiv"),
    ("Izium", "Ізюм", "kharkiv"),
    ("Lyptsi", "Липці", "kharkiv"),
    ("Kyiv", "Київ", "kyiv"),
    ("Bucha", "Буча", "kyiv"),
    ("Bila Tserkva", "Біла Церква", "kyiv"),
    ("Odesa", "Одеса", "odesa"),
    ("Izmail", "Ізмаїл", "odesa"),
    ("Dnipro", "Дніпро", "dnipro"),
    ("Nikopol", "Нікополь", "dnipro"),
    ("Kryvyi Rih", "Кривий Ріг", "dnipro"),
    ("Zaporizhzhia", "Запоріжжя", "zaporizhzhia"),
    ("Robotyne", "Роботине", "zaporizhzhia"),
    ("Orikhiv", "Оріхів", "zaporizhzhia"),
    ("Huliaipole", "Гуляйполе", "zaporizhzhia"),
    ("Enerhodar", "Енергодар", "zaporizhzhia"),
    ("Melitopol", "Мелітополь", "zaporizhzhia"),
    ("Kherson", "Херсон", "kherson"),
    ("Krynky", "Кринки", "kherson"),
    ("Beryslav", "Берислав", "kherson"),
    ("Mykolaiv", "Миколаїв", "mykolaiv"),
    ("Ochakiv", "Очаків", "mykolaiv"),
    ("Kramatorsk", "Краматорськ", "donetsk"),
    ("Sloviansk", "Слов'янськ", "donetsk"),
    ("Pokrovsk", "Покровськ", "donetsk"),
    ("Avdiivka", "Авдіївка", "donetsk"),
    ("Bakhmut", "Бахмут", "donetsk"),
    ("Chasiv Yar", "Часів Яр", "donetsk"),
    ("Toretsk", "Торецьк", "donetsk"),
    ("Vuhledar", "Вугледар", "donetsk"),
    ("Kurakhove", "Курахове", "donetsk"),
    ("Mariupol", "Маріуполь", "donetsk"),
    ("Kreminna", "Кремінна", "luhansk"),
    ("Sievierodonetsk", "Сєвєродонецьк", "luhansk"),
    ("Sumy", "Суми", "sumy"),
    ("Shostka", "Шостка", "sumy"),
    ("Chernihiv", "Чернігів", "chernihiv"),
    ("Lviv", "Львів", "lviv"),
    ("Poltava", "Полтава", "poltava"),
    ("Kremenchuk", "Кременчук", "poltava"),
    ("Starokostiantyniv", "Старокостянтинів", "khmelnytskyi"),
    ("Vinnytsia", "Вінниця", "vinnytsia"),
    ("Ternopil", "Тернопіль", "ternopil"),
    ("Cherkasy", "Черкаси", "cherkasy"),
    ("Sevastopol", "Севастополь", "crimea"),
    ("Dzhankoi", "Джанкой", "crimea"),
    ("Yevpatoriia", "Євпаторія", "crimea"),
]
# English phrase, Ukrainian phrase with its preposition ("in the Kharkiv region", "на Харківщині")
REGIONS = {
    "kharkiv": ("the Kharkiv region", "на Харківщині"),
    "kyiv": ("the Kyiv region", "на Київщині"),
    "odesa": ("the Odesa region", "на Одещині"),
    "dnipro": ("the Dnipropetrovsk region", "на Дніпропетровщині"),
    "zaporizhzhia": ("the Zaporizhzhia region", "на Запоріжжі"),
    "kherson": ("the Kherson region", "на Херсонщині"),
    "mykolaiv": ("the Mykolaiv region", "на Миколаївщині"),
    "donetsk": ("the Donetsk region", "на Донеччині"),
    "luhansk": ("the Luhansk region", "на Луганщині"),
    "sumy": ("the Sumy region", "на Сумщині"),
    "chernihiv": ("the Chernihiv region", "на Чернігівщині"),
    "lviv": ("the Lviv region", "на Львівщині"),
    "poltava": ("the Poltava region", "на Полтавщині"),
    "khmelnytskyi": ("the Khmelnytskyi region", "на Хмельниччині"),
    "vinnytsia": ("the Vinnytsia region", "на Вінниччині"),
    "ternopil": ("the Ternopil region", "на Тернопільщині"),
    "cherkasy": ("the Cherkasy region", "на Черкащині"),
    "crimea": ("Crimea", "у Криму"),
}
# English name, Ukrainian instrumental form ("над Бєлгородською областю")
RUSSIAN_REGIONS = [
    ("Belgorod", "Бєлгородською"),
    ("Kursk", "Курською"),
    ("Bryansk", "Брянською"),
    ("Voronezh", "Воронезькою"),
    ("Rostov", "Ростовською"),
]
PORTS = [("Odesa", "Одеса"), ("Izmail", "Ізмаїл"), ("Pivdennyi", "Південний"), ("Chornomorsk", "Чорноморськ")]
MISSILES = [
    "Kh-101 cruise missiles",
    "Iskander-M ballistic missiles",
    "Kalibr cruise missiles",
    "Kinzhal hypersonic missiles",
    "S-300 missiles",
    "ATACMS missiles",
    "Storm Shadow missiles",
    "Neptune missiles",
    "HIMARS rockets",
    "Kh-22 missiles",
]
DRONES = ["Shahed drones", "attack drones", "reconnaissance drones", "Lancet loitering munitions", "naval drones"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
MONTHS_UK_GENITIVE = [
    "січня",
    "лютого",
    "березня",
    "квітня",
    "травня",
    "червня",
    "липня",
    "серпня",
    "вересня",
    "жовтня",
    "листопада",
    "грудня",
]
MONTHS_UK_LOCATIVE = [
    "січні",
    "лютому",
    "березні",
    "квітні",
    "травні",
    "червні",
    "липні",
    "серпні",
    "вересні",
    "жовтні",
    "листопаді",
    "грудні",
]
TARGETS_EN = [
    "a power substation",
    "a school",
    "a hospital",
    "a grain terminal",
    "a railway depot",
    "a shopping centre",
]
STRIKES_EN = ["missile strike", "drone strike", "guided-bomb strike", "artillery strike"]

# Ukrainian nouns in the three number forms (1 дрон, 2 дрони, 5 дронів), as the accusative needs them.
UK_DRONES = ("ударний дрон", "ударні дрони", "ударних дронів")
UK_MISSILES = ("ракету", "ракети", "ракет")
UK_TANKS = ("танк", "танки", "танків")
UK_PEOPLE = ("людину", "людини", "людей")
UK_HOUSES = ("будинок", "будинки", "будинків")
UK_ATTACKS = ("атаку", "атаки", "атак")
UK_SHELLINGS = ("обстріл", "обстріли", "обстрілів")
UK_PRISONERS = ("військовополоненого", "військовополонених", "військовополонених")
UK_RESIDENTS = ("мешканця", "мешканців", "мешканців")
UK_SCHOOLS = ("школу", "школи", "шкіл")
UK_DAYS = ("день", "дні", "днів")


def uk_plural(number: int, forms: tuple[str, str, str]) -> str:
    """ "5 ударних дронів": the noun form Ukrainian takes after a number."""
    if number % 10 == 1 and number % 100 != 11:
        return f"{number} {forms[0]}"
    if 2 <= number % 10 <= 4 and not 12 <= number % 100 <= 14:
        return f"{number} {forms[1]}"
    return f"{number} {forms[2]}"


def on_day(r: random.Random) -> str:
    return f"on {r.randint(1, 28)} {r.choice(MONTHS_EN)}"


def uk_day(r: random.Random) -> str:
    return f"{r.randint(1, 28)} {r.choice(MONTHS_UK_GENITIVE)}"


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


# Each template is one checkable sentence; the lambda receives the generator and a place.
EnglishTemplate = Callable[[random.Random, tuple[str, str, str]], str]
ENGLISH_TEMPLATES: list[EnglishTemplate] = [
    lambda r, p: f"Russian forces captured the village of {p[0]} in {REGIONS[p[2]][0]} {on_day(r)}.",
    lambda r, p: (
        f"Ukrainian forces pushed Russian units {r.randint(1, 9)} kilometres back from the outskirts of {p[0]}."
    ),
    lambda r, p: (
        f"Air defences shot down {r.randint(2, 40)} {r.choice(DRONES)} over the "
        f"{r.choice(RUSSIAN_REGIONS)[0]} region overnight."
    ),
    lambda r, p: (
        f"Ukrainian air defence destroyed {r.randint(10, 60)} of {r.randint(61, 90)} Shahed drones launched overnight."
    ),
    lambda r, p: f"{r.randint(2, 60)} civilians were injured in a {r.choice(STRIKES_EN)} on {p[0]}.",
    lambda r, p: f"A guided aerial bomb hit a residential building in {p[0]}, killing {r.randint(1, 15)} people.",
    lambda r, p: (
        f"Power was cut to {r.randint(5, 400)},000 households in {REGIONS[p[2]][0]} after strikes on energy facilities."
    ),
    lambda r, p: (
        f"The US will provide an additional ${r.randint(1, 9)}.{r.randint(0, 9)} billion in military "
        "assistance to Ukraine."
    ),
    lambda r, p: f"{r.randint(10, 250)} Ukrainian prisoners of war returned home in the latest exchange.",
    lambda r, p: (
        f"Russian forces lost {r.randint(3, 40)} tanks and {r.randint(5, 90)} armoured vehicles near "
        f"{p[0]} in the past week."
    ),
    lambda r, p: f"Ukrainian units moved to more advantageous positions near {p[0]} {on_day(r)}.",
    lambda r, p: f"The railway bridge near {p[0]} was destroyed in a strike on {r.choice(WEEKDAYS)}.",
    lambda r, p: (
        f"Grain exports through the port of {r.choice(PORTS)[0]} reached {r.randint(2, 9)} million "
        f"tonnes in {r.choice(MONTHS_EN)}."
    ),
    lambda r, p: (
        f"{r.randint(40, 900)} residents, including {r.randint(5, 120)} children, were evacuated from {p[0]} this week."
    ),
    lambda r, p: (
        f"A drone attack set fire to {r.randint(2, 20)} fuel tanks at an oil depot in the "
        f"{r.choice(RUSSIAN_REGIONS)[0]} region."
    ),
    lambda r, p: (
        f"Russia launched {r.randint(5, 120)} missiles and {r.randint(10, 200)} drones at Ukraine on "
        f"{r.choice(WEEKDAYS)} night."
    ),
    lambda r, p: f"The Zaporizhzhia nuclear power plant lost its external power supply for {r.randint(2, 30)} hours.",
    lambda r, p: f"Russian troops advanced {r.randint(1, 12)} kilometres west of {p[0]}.",
    lambda r, p: f"{r.randint(2, 12)} {r.choice(MISSILES)} were shot down over Crimea.",
    lambda r, p: (
        f"A Russian landing ship with {r.randint(40, 120)} crew on board was sunk off "
        f"{r.choice(('Sevastopol', 'Yevpatoriia', 'Feodosiia'))} {on_day(r)}."
    ),
    lambda r, p: f"Mobile coverage was restored in {r.randint(5, 80)} settlements of {REGIONS[p[2]][0]}.",
    lambda r, p: f"The water supply in {p[0]} was restored after {r.randint(2, 14)} days.",
    lambda r, p: f"{r.randint(5, 90)} schools in {REGIONS[p[2]][0]} moved to remote learning because of shelling.",
    lambda r, p: f"Ukraine has received {r.randint(6, 24)} F-16 fighter jets from its partners.",
    lambda r, p: f"Sanctions cut Russia's oil export revenue by {r.randint(3, 40)} per cent in {r.choice(MONTHS_EN)}.",
    lambda r, p: f"{r.randint(20, 300)} foreign mercenaries were killed near {p[0]}.",
    lambda r, p: (
        f"A {r.choice(STRIKES_EN)} on {p[0]} damaged {r.randint(2, 30)} apartment blocks and {r.choice(TARGETS_EN)}."
    ),
    lambda r, p: f"The front line near {p[0]} has not moved for {r.randint(10, 120)} days.",
    lambda r, p: f"Russian shelling of {p[0]} injured {r.randint(2, 40)} people on {r.choice(WEEKDAYS)}.",
    lambda r, p: f"A brigade repelled {r.randint(5, 60)} assaults near {p[0]} in a single day.",
    lambda r, p: (
        f"Russia must double and triple its production of {r.choice(MISSILES)} within {r.randint(2, 24)} "
        "months, the defence industry was told."
    ),
    lambda r, p: (
        f"The president cancelled his foreign trips planned for {r.choice(MONTHS_EN)} because of the "
        f"offensive near {p[0]}."
    ),
]
UKRAINIAN_TEMPLATES: list[EnglishTemplate] = [
    lambda r, p: f"Сили оборони відбили {uk_plural(r.randint(5, 60), UK_ATTACKS)} поблизу населеного пункту {p[1]}.",
    lambda r, p: f"Протягом ночі сили ППО знищили {uk_plural(r.randint(5, 90), UK_DRONES)} типу «Шахед».",
    lambda r, p: f"Унаслідок обстрілу міста {p[1]} поранено {uk_plural(r.randint(1, 60), UK_PEOPLE)}.",
    lambda r, p: f"Російські війська захопили село {p[1]} {REGIONS[p[2]][1]} {uk_day(r)}.",
    lambda r, p: f"У місті {p[1]} знеструмлено {r.randint(5, 400)} тис. абонентів після атаки на енергетику.",
    lambda r, p: f"Під час обміну додому повернули {uk_plural(r.randint(10, 250), UK_PRISONERS)}.",
    lambda r, p: f"Окупанти втратили {uk_plural(r.randint(2, 40), UK_TANKS)} біля села {p[1]} за тиждень.",
    lambda r, p: f"Із села {p[1]} евакуювали {uk_plural(r.randint(20, 900), UK_RESIDENTS)}.",
    lambda r, p: f"Міст біля села {p[1]} зруйновано внаслідок удару {uk_day(r)}.",
    lambda r, p: f"США нададуть Україні додаткові {r.randint(1, 9)} млрд доларів військової допомоги.",
    lambda r, p: (
        f"Експорт зерна через порт {r.choice(PORTS)[1]} у {r.choice(MONTHS_UK_LOCATIVE)} сягнув "
        f"{r.randint(2, 9)} млн тонн."
    ),
    lambda r, p: f"Російські війська просунулися на {r.randint(1, 12)} км західніше населеного пункту {p[1]}.",
    lambda r, p: (
        f"{capitalised(REGIONS[p[2]][1])} на дистанційне навчання переведено {uk_plural(r.randint(2, 90), UK_SCHOOLS)}."
    ),
    lambda r, p: f"{uk_day(r)} Запорізька АЕС залишалася без зовнішнього електроживлення {r.randint(2, 30)} год.",
    lambda r, p: (
        f"Росія випустила по Україні {uk_plural(r.randint(5, 120), UK_MISSILES)} та "
        f"{uk_plural(r.randint(10, 200), UK_DRONES)} за ніч."
    ),
    lambda r, p: f"Лінія фронту біля населеного пункту {p[1]} не змінювалася {uk_plural(r.randint(10, 120), UK_DAYS)}.",
    lambda r, p: (
        f"Унаслідок удару керованою авіабомбою по місту {p[1]} пошкоджено {uk_plural(r.randint(2, 40), UK_HOUSES)}."
    ),
    lambda r, p: (
        f"{capitalised(REGIONS[p[2]][1])} ворог здійснив {uk_plural(r.randint(5, 140), UK_SHELLINGS)} за добу."
    ),
    lambda r, p: f"Над {r.choice(RUSSIAN_REGIONS)[1]} областю збито {uk_plural(r.randint(2, 40), UK_DRONES)}.",
    lambda r, p: f"Мобільний зв'язок відновлено у місті {p[1]} та {r.randint(2, 40)} навколишніх селах.",
]
QUOTES_EN = [
    "The situation near {place} is under control.",
    "All designated targets were hit.",
    "Our air defence worked through the night.",
    "The enemy suffered heavy losses and retreated.",
    "Repair crews are already on site.",
    "We will not comment on the movement of our troops.",
    "The figures will be confirmed once the search is over.",
]
QUOTES_UK = [
    "Ситуація біля {place} під контролем.",
    "Усі цілі уражено.",
    "Ворог зазнав значних втрат і відступив.",
    "Ремонтні бригади вже працюють на місці.",
    "Дані уточнюються.",
]
EXCERPTS = [
    "The report gives the same figure, citing officials.",
    "Satellite images from the following day show the damage.",
    "Local residents describe the strike in detail.",
    "The ministry's statement repeats the claim without evidence.",
    "Geolocated video places the event elsewhere.",
    "The figure in this report is much lower.",
    "Місцеві мешканці підтверджують пошкодження.",
    "Джерело наводить іншу кількість.",
]
NOTES = [
    "Checked the timestamp against the original post.",
    "Geolocated by the desk.",
    "Figure differs slightly; see excerpt.",
    "Relays the claimant's statement.",
]
RATIONALES = {
    Status.DISPUTED: "Credible sources disagree on this; neither side is conclusive yet.",
    Status.CORROBORATED: "An independent outlet reports the same from its own sources.",
    Status.CONFIRMED: "Two independent outlets confirm it with their own reporting.",
    Status.MISLEADING: "The figure is correct but leaves out context that changes its meaning.",
    Status.FALSE: "Contradicted by geolocated footage and independent reporting.",
    Status.UNVERIFIABLE: "No independent access to the area; nothing can be established for now.",
}
RETURN_NOTES = [
    "Needs a second independent source.",
    "The key source only relays the claimant.",
    "Please add the original post.",
    "Rationale does not match the evidence.",
]
SOURCE_TOPICS = [
    ("strikes-hit-energy-facilities", "strikes hit energy facilities", "удари по енергетиці"),
    ("air-defence-overnight", "air defence active overnight", "ППО працювала вночі"),
    ("front-line-update", "front-line update", "ситуація на фронті"),
    ("evacuation-continues", "evacuation continues", "евакуація триває"),
    ("prisoner-exchange", "prisoner exchange", "обмін полоненими"),
    ("casualties-rise", "casualty figures rise", "кількість жертв зросла"),
    ("military-aid-package", "new military aid package", "новий пакет допомоги"),
    ("bridge-destroyed", "bridge destroyed", "зруйновано міст"),
    ("grain-corridor", "grain corridor figures", "зерновий коридор"),
    ("power-restored", "power restored", "світло повернули"),
    ("drone-attack", "drone attack", "атака дронів"),
    ("village-recaptured", "village recaptured", "село повернули"),
]
SECTIONS = ["news", "world", "ukraine", "war", "politics", "society", "economy", "region"]
TAG_TOPICS = [
    "air defence",
    "drones",
    "missiles",
    "ATACMS",
    "HIMARS",
    "F-16",
    "energy",
    "power outages",
    "grain exports",
    "Black Sea",
    "prisoners of war",
    "evacuation",
    "civilian casualties",
    "civilian infrastructure",
    "diplomacy",
    "military aid",
    "sanctions",
    "mobilisation",
    "Crimea",
    "nuclear safety",
    "ZNPP",
    "front line",
    "Kharkiv offensive",
    "counter-offensive",
    "occupied territories",
    "war crimes",
    "propaganda",
    "deepfake",
    "casualty figures",
    "equipment losses",
    "railways",
    "bridges",
    "oil depots",
    "refineries",
    "naval drones",
    "Shahed",
    "glide bombs",
    "cyberattack",
    "humanitarian aid",
    "children",
    "deportation",
    "elections",
    "corruption",
    "economy",
    "обстріли",
    "енергетика",
    "евакуація",
    "полонені",
    "ППО",
]
FIRST_NAMES = [
    "Olena",
    "Andriy",
    "Iryna",
    "Taras",
    "Mariia",
    "Dmytro",
    "Oksana",
    "Yurii",
    "Kateryna",
    "Serhii",
    "Anna",
    "Mykola",
    "Sofiia",
    "Bohdan",
    "Daniel",
    "Laura",
    "Thomas",
    "Emma",
    "Lukas",
    "Clara",
    "James",
    "Hannah",
    "Piotr",
    "Agnieszka",
]
LAST_NAMES = [
    "Kovalenko",
    "Bondarenko",
    "Tkachenko",
    "Shevchuk",
    "Melnyk",
    "Kravets",
    "Hrytsenko",
    "Lysenko",
    "Moroz",
    "Savchuk",
    "Petrenko",
    "Rudenko",
    "Fischer",
    "Becker",
    "Novak",
    "Dubois",
    "Hughes",
    "Carter",
    "Nowak",
    "Lindqvist",
]
UK_FIRST_NAMES = ["Олена", "Андрій", "Ірина", "Тарас", "Марія", "Дмитро", "Оксана", "Юрій", "Катерина", "Сергій"]
UK_LAST_NAMES = ["Коваленко", "Бондаренко", "Ткаченко", "Шевчук", "Мельник", "Кравець", "Гриценко", "Лисенко"]
BRIGADE_TYPES = [
    "Mechanised",
    "Assault",
    "Airborne Assault",
    "Marine",
    "Territorial Defence",
    "Artillery",
    "Tank",
    "Mountain Assault",
    "Jaeger",
]
RUSSIAN_UNIT_TYPES = ["Motor Rifle Regiment", "Guards Tank Regiment", "Airborne Regiment", "Naval Infantry Brigade"]
CHANNEL_WORDS = [
    "front",
    "war",
    "z",
    "truth",
    "insider",
    "donbas",
    "south",
    "north",
    "frontline",
    "military",
    "chronicle",
    "reports",
    "eye",
    "signal",
    "rybar",
    "osint",
    "map",
    "watch",
]
ORGANISATION_KINDS = ["Human Rights Group", "Volunteer Network", "Civil Protection Centre", "Monitoring Mission"]

# name, kind, affiliation (None: unknown), website or "", claims weight
KNOWN_CLAIMANTS = [
    ("Russian Ministry of Defence", ClaimantKind.GOVERNMENT_BODY, "Russian government", "mil.ru", 400),
    ("General Staff of the Armed Forces of Ukraine", ClaimantKind.MILITARY, "Ukrainian government", "zsu.gov.ua", 400),
    ("Ukrainian Air Force", ClaimantKind.MILITARY, "Ukrainian government", "", 250),
    (
        "Office of the President of Ukraine",
        ClaimantKind.GOVERNMENT_BODY,
        "Ukrainian government",
        "president.gov.ua",
        150,
    ),
    ("Kremlin", ClaimantKind.GOVERNMENT_BODY, "Russian government", "kremlin.ru", 150),
    ("Ukrainian Ministry of Defence", ClaimantKind.GOVERNMENT_BODY, "Ukrainian government", "mil.gov.ua", 120),
    ("Ukrainian Ministry of Energy", ClaimantKind.GOVERNMENT_BODY, "Ukrainian government", "mev.gov.ua", 80),
    ("State Emergency Service of Ukraine", ClaimantKind.GOVERNMENT_BODY, "Ukrainian government", "dsns.gov.ua", 120),
    ("Russian Foreign Ministry", ClaimantKind.GOVERNMENT_BODY, "Russian government", "mid.ru", 100),
    ("US Department of State", ClaimantKind.GOVERNMENT_BODY, "US government", "state.gov", 80),
    ("Pentagon", ClaimantKind.GOVERNMENT_BODY, "US government", "defense.gov", 60),
    ("UK Ministry of Defence", ClaimantKind.GOVERNMENT_BODY, "UK government", "gov.uk", 60),
    ("European Commission", ClaimantKind.GOVERNMENT_BODY, "EU institutions", "ec.europa.eu", 40),
    ("IAEA", ClaimantKind.ORGANISATION, "International organisations", "iaea.org", 40),
    ("UN Human Rights Monitoring Mission in Ukraine", ClaimantKind.ORGANISATION, "International organisations", "", 40),
    ("TASS", ClaimantKind.MEDIA, "Russian government", "tass.ru", 80),
    ("RIA Novosti", ClaimantKind.MEDIA, "Russian government", "ria.ru", 60),
    ("Ukrinform", ClaimantKind.MEDIA, "Ukrainian government", "ukrinform.net", 50),
    ("Belarusian Ministry of Defence", ClaimantKind.GOVERNMENT_BODY, "Belarusian government", "", 20),
    ("Front-line reports and analysts", ClaimantKind.OTHER, None, "", 60),
    ("Anonymous Telegram channel", ClaimantKind.SOCIAL_ACCOUNT, None, "", 60),
]


# --- Small helpers ----------------------------------------------------------------------------------


def unit_hash(number: int, salt: int = 0) -> float:
    """A fixed pseudo-random number in [0, 1) for an index: recomputable without storing it."""
    value = (number * 0x9E3779B1 + salt * 0x85EBCA77 + 0x632BE5AB) & 0xFFFFFFFF
    value ^= value >> 15
    value = (value * 0x2C1B3C6D) & 0xFFFFFFFF
    value ^= value >> 12
    return value / 4294967296.0


def copy_text(value: str) -> str:
    """A value as COPY's text format needs it: backslash, tab and line breaks escaped."""
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        value = value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return value


class Stamps:
    """Timestamps and dates for COPY from epoch seconds, faster than datetime.isoformat()."""

    def __init__(self):
        self._days: dict[int, str] = {}

    def day(self, seconds: float) -> str:
        number = int(seconds) // DAY
        text = self._days.get(number)
        if text is None:
            text = self._days[number] = (dt.date(1970, 1, 1) + dt.timedelta(days=number)).isoformat()
        return text

    def __call__(self, seconds: float) -> str:
        whole = int(seconds)
        hours, rest = divmod(whole % DAY, HOUR)
        return f"{self.day(whole)} {hours:02d}:{rest // 60:02d}:{rest % 60:02d}+00"


def ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def cumulative(weights: Iterable[float]) -> list[float]:
    total, result = 0.0, []
    for weight in weights:
        total += weight
        result.append(total)
    return result


# --- The world the claims are about: people, sides, outlets, claimants, tags ---------------------------


@dataclass
class OutletInfo:
    id: int
    domain: str
    name: str
    affiliation_id: int | None
    kind: str  # news, official, platform
    www: bool


@dataclass
class ClaimantInfo:
    id: int
    name: str
    affiliation_id: int | None
    origin: str  # base address of the claims it makes, or ""


@dataclass
class World:
    affiliations: dict[str, int] = field(default_factory=dict)
    outlets: list[OutletInfo] = field(default_factory=list)
    claimants: list[ClaimantInfo] = field(default_factory=list)
    claimant_weights: list[float] = field(default_factory=list)
    tags: list[int] = field(default_factory=list)
    checkers: list[int] = field(default_factory=list)
    editors: list[int] = field(default_factory=list)


@dataclass
class Options:
    claims: int
    seed: int = 1
    busy_week: IsoWeek | None = None
    now: dt.datetime | None = None
    chunk: int = CLAIMS_PER_CHUNK
    vacuum: bool = True


@dataclass
class Result:
    claims: int = 0
    first_claim_id: int = 0
    busy_week: IsoWeek | None = None
    busy_verdicts: int = 0
    twenty_link_claim_id: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)


class SeedRefused(Exception):
    """The database is not in a state this seed may write to; the message says what to do."""


DESK_MODELS = [Affiliation, Tag, Claimant, Outlet, Source, Claim, ClaimTag, Evidence, Review]


def audit_triggers() -> list[tuple[str, str]]:
    """(table, trigger) of every django-pghistory trigger on the desk's tables."""
    desk = set(DESK_MODELS)
    return [
        (model._meta.db_table, trigger.get_pgid(model))
        for model, trigger in pgtrigger.registered()
        if model in desk and isinstance(trigger, pghistory.trigger.Event)
    ]


def event_model(model):
    return apps.get_model(model._meta.app_label, f"{model.__name__}Event")


def desk_has_rows() -> bool:
    with connection.cursor() as cursor:
        for model in DESK_MODELS:
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {model._meta.db_table})")  # noqa: S608 - model tables
            if cursor.fetchone()[0]:
                return True
    return False


# --- The seed ---------------------------------------------------------------------------------------


class ScaleSeed:
    """Fill the desk with `options.claims` claims and everything around them (see the module doc)."""

    def __init__(self, options: Options, *, mode: str, say: Callable[[str], None] = print):
        if mode not in {"fresh", "reset", "append"}:
            raise ValueError(mode)
        self.options, self.mode, self.say = options, mode, say
        self.random = random.Random(options.seed)  # noqa: S311 - reproducible test data, not secrets
        self.stamp = Stamps()
        self.result = Result(claims=options.claims)
        now = (options.now or timezone.now()).replace(microsecond=0)
        self.end = now.timestamp()
        self.start = self.end - SPAN_DAYS * DAY
        zone = ZoneInfo(settings.TIME_ZONE)
        week = options.busy_week or IsoWeek.containing(now.astimezone(zone).date()).previous
        if week.end > now:
            raise SeedRefused(f"The busy week {week} has not ended yet; choose a complete week.")
        if week.start.timestamp() < self.start + 7 * DAY:
            raise SeedRefused(f"The busy week {week} is outside the two years the claims cover.")
        self.week = week
        self.week_start, self.week_end = week.start.timestamp(), week.end.timestamp()
        self.result.busy_week = week
        self.world = World()
        self.copy_seconds: dict[str, float] = {}  # per table, generation included

    # -- orchestration --

    def run(self) -> Result:
        if Group.objects.filter(name__in=[FACT_CHECKERS, EDITORS]).count() < 2:
            raise SeedRefused(f"The role groups {FACT_CHECKERS!r} and {EDITORS!r} are missing: run manage.py migrate.")
        began = time.monotonic()
        frozen = self.mode in {"fresh", "reset"}
        with transaction.atomic(), connection.cursor() as cursor:
            self.cursor = cursor.cursor  # psycopg's own cursor, for COPY
            cursor.execute("SET LOCAL statement_timeout = 0")
            cursor.execute("SET LOCAL synchronous_commit = off")
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            cursor.execute("SET LOCAL work_mem = '64MB'")
            # Django's foreign keys are deferred to the commit; checked per statement instead, they
            # do not pile up millions of pending checks (and ALTER TABLE refuses to run over them).
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            if frozen:
                self._timed("empty the desk's tables", self._truncate)
                self._timed("set indexes and foreign keys aside", self._set_aside_indexes)
            else:
                self._lock()
            self._timed("switch audit triggers off", lambda: self._audit_triggers(enabled=False))
            self.first_ids = self._first_ids()
            self._timed("users", self._users)
            self._timed("affiliations, outlets, claimants, tags", self._reference_rows)
            self.freeze = " WITH (FREEZE)" if frozen else ""
            self._timed("sources", self._sources)
            self._timed("claims, tags, evidence, reviews", self._claims)
            self._timed("audit history", self._audit_history)
            if frozen:
                self._timed("rebuild indexes and foreign keys", self._rebuild_indexes)
            self._timed("switch audit triggers on", lambda: self._audit_triggers(enabled=True))
            self._timed("sequences", self._sequences)
        self._timed("vacuum and analyze" if self.options.vacuum else "analyze", self._analyze)
        self.result.timings["total"] = time.monotonic() - began
        self.result.counts = self._counts()
        return self.result

    def _timed(self, label: str, step: Callable[[], object]) -> None:
        began = time.monotonic()
        step()
        took = time.monotonic() - began
        self.result.timings[label] = took
        self.say(f"{label}: {took:.1f} s")

    def _truncate(self) -> None:
        tables = self._desk_tables()
        self.cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")

    def _desk_tables(self) -> list[str]:
        return [model._meta.db_table for model in DESK_MODELS] + [
            event_model(model)._meta.db_table for model in DESK_MODELS
        ]

    def _set_aside_indexes(self) -> None:
        """Into empty tables, building each index once at the end and checking each foreign key with
        one query is several times faster than maintaining them row by row (what pg_restore does).
        Primary keys and unique constraints stay. Dropped in this transaction, so a failure brings
        them back."""
        tables = self._desk_tables()
        self.cursor.execute(
            """
            SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
            WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) ORDER BY conrelid::regclass::text, conname
            """,
            [tables],
        )
        self.foreign_keys = self.cursor.fetchall()
        self.cursor.execute(
            """
            SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index
            WHERE indrelid = ANY(%s::regclass[]) AND NOT indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conindid = indexrelid)
            ORDER BY indexrelid::regclass::text
            """,
            [tables],
        )
        self.indexes = self.cursor.fetchall()
        for table, name, _ in self.foreign_keys:
            self.cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _ in self.indexes:
            self.cursor.execute(f"DROP INDEX {name}")
        self.say(f"  {len(self.indexes)} indexes and {len(self.foreign_keys)} foreign keys")

    def _rebuild_indexes(self) -> None:
        for _, definition in self.indexes:
            self.cursor.execute(definition)
        for table, name, definition in self.foreign_keys:
            self.cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')

    def _lock(self) -> None:
        """Appending: nobody else writes to the desk meanwhile, so the ids taken stay ours."""
        tables = ", ".join(model._meta.db_table for model in DESK_MODELS)
        self.cursor.execute(f"LOCK TABLE {tables} IN EXCLUSIVE MODE")

    def _audit_triggers(self, *, enabled: bool) -> None:
        """The history is written set-based afterwards; row by row it would double the load time.

        ALTER TABLE is transactional: if anything fails before the commit, the triggers are on again.
        """
        action = "ENABLE" if enabled else "DISABLE"
        for table, trigger in audit_triggers():
            self.cursor.execute(f'ALTER TABLE {table} {action} TRIGGER "{trigger}"')

    def _first_ids(self) -> dict[str, int]:
        """The next id of each table, read from its sequence (and put back) so that no deleted row's
        id, which has audit history of its own, is used again. The tables are locked meanwhile."""
        first = {}
        for model in DESK_MODELS:
            sequence = f"pg_get_serial_sequence('{model._meta.db_table}', 'id')"
            self.cursor.execute(f"SELECT setval({sequence}, nextval({sequence}), false)")
            first[model._meta.db_table] = self.cursor.fetchone()[0]
        return first

    def _sequences(self) -> None:
        """Rows copied with their ids did not move the sequences: the app's next row follows them."""
        for model in DESK_MODELS:
            table = model._meta.db_table
            self.cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table} "  # noqa: S608
                "HAVING max(id) >= %s",
                [self.first_ids[table]],
            )

    def _analyze(self) -> None:
        """Fresh statistics; and with VACUUM a visibility map (index-only scans) and hint bits set now
        rather than by the first benchmark run (the server may run without autovacuum)."""
        command = "VACUUM (ANALYZE)" if self.options.vacuum else "ANALYZE"
        with connection.cursor() as cursor:
            for table in self._desk_tables():
                cursor.execute(f"{command} {table}")

    def _counts(self) -> dict[str, int]:
        counts = {}
        with connection.cursor() as cursor:
            for model in DESK_MODELS:
                for counted in (model, event_model(model)):
                    cursor.execute(f"SELECT count(*) FROM {counted._meta.db_table}")  # noqa: S608 - model tables
                    counts[counted.__name__] = cursor.fetchone()[0]
        return counts

    # -- COPY --

    def _copy(self, model, columns: list[str], lines: Iterable[str]) -> int:
        """Stream text-format lines into the model's table; a worker thread sends while we generate."""
        rows, began = 0, time.monotonic()
        statement = f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN{self.freeze}"
        with self.cursor.copy(statement, writer=QueuedLibpqWriter(self.cursor)) as copy:
            batch: list[str] = []
            for line in lines:
                batch.append(line)
                if len(batch) == 2000:
                    copy.write("".join(batch))
                    rows += len(batch)
                    batch.clear()
            if batch:
                copy.write("".join(batch))
                rows += len(batch)
        table = model._meta.db_table
        self.copy_seconds[table] = self.copy_seconds.get(table, 0.0) + time.monotonic() - began
        return rows

    # -- users and reference rows --

    def _users(self) -> None:
        """~50 fact-checkers and ~10 editors in the role groups; no usable password."""
        users = get_user_model()
        wanted = [("seed-checker", FACT_CHECKERS, FACT_CHECKER_COUNT), ("seed-editor", EDITORS, EDITOR_COUNT)]
        for prefix, group_name, count in wanted:
            group = Group.objects.get(name=group_name)
            names = [f"{prefix}-{number:02d}" for number in range(1, count + 1)]
            existing = set(users.objects.filter(username__in=names).values_list("username", flat=True))
            users.objects.bulk_create(
                users(
                    username=name,
                    first_name=FIRST_NAMES[index % len(FIRST_NAMES)],
                    last_name=LAST_NAMES[(index * 7 + len(prefix)) % len(LAST_NAMES)],
                    password=make_password(None),
                )
                for index, name in enumerate(names)
                if name not in existing
            )
            ids = list(users.objects.filter(username__in=names).order_by("username").values_list("pk", flat=True))
            group.user_set.add(*ids)
            (self.world.checkers if group_name == FACT_CHECKERS else self.world.editors).extend(ids)

    def _reference_rows(self) -> None:
        world, rng = self.world, self.random
        n = self.options.claims
        # Affiliations: reused by name when the desk already has them.
        for known in AFFILIATIONS:
            affiliation, _ = Affiliation.objects.get_or_create(
                name=known.name, defaults={"description": known.description}
            )
            world.affiliations[known.name] = affiliation.pk
        self._outlets(max(len(KNOWN_OUTLETS) + 5, min(600, n // 2000)))
        self._claimants(max(len(KNOWN_CLAIMANTS) + 20, min(5000, n // 300)))
        self._tags(max(30, min(300, n // 3000)))
        rng.shuffle(world.tags)

    def _outlets(self, count: int) -> None:
        rng, affiliations = self.random, self.world.affiliations
        rows = [(outlet.domain, outlet.name, outlet.affiliation, outlet.kind) for outlet in KNOWN_OUTLETS]
        seen = {row[0] for row in rows}
        ukrainian_sides = ["Ukrainian government", "Independent", "Ukrainian, non-government", None]
        russian_sides = ["Russian government", "Russian government", "Russian, non-government", None]
        while len(rows) < count:
            roll = rng.random()
            word, label = rng.choice(OUTLET_WORDS)
            if roll < 0.5:
                slug, city = rng.choice(OUTLET_CITIES)
                domain = f"{slug}-{word}.{rng.choice(TLDS_UKRAINIAN)}"
                name, side = f"{city} {label}", rng.choice(ukrainian_sides)
            elif roll < 0.75:
                slug, city = rng.choice(RUSSIAN_CITIES)
                domain = f"{slug}-{word}.ru"
                name, side = f"{city} {label}", rng.choice(russian_sides)
            else:
                prefix, suffix = rng.choice(WIRE_PREFIXES), rng.choice(WIRE_SUFFIXES)
                domain = f"{prefix}{suffix}.{rng.choice(TLDS_INTERNATIONAL)}"
                name, side = f"{prefix.capitalize()} {suffix.capitalize()}", rng.choice(["Independent", None])
            if domain in seen:
                domain = f"{domain.split('.')[0]}{len(rows)}.{domain.split('.', 1)[1]}"
            seen.add(domain)
            rows.append((domain, name, side, "news"))
        existing = dict(Outlet.objects.filter(domain__in=seen).values_list("domain", "pk"))
        Outlet.objects.bulk_create(
            Outlet(domain=domain, name=name, affiliation_id=affiliations[side] if side else None)
            for domain, name, side, _ in rows
            if domain not in existing
        )
        existing = {
            outlet.domain: outlet for outlet in Outlet.objects.filter(domain__in=seen).only("domain", "affiliation")
        }
        for index, (domain, name, _, kind) in enumerate(rows):
            outlet = existing[domain]
            self.world.outlets.append(
                OutletInfo(
                    outlet.pk, domain, name, outlet.affiliation_id, kind, kind == "news" and unit_hash(index, 7) < 0.5
                )
            )

    def _claimants(self, count: int) -> None:
        rng, world = self.random, self.world
        rows = []  # name, kind, affiliation, website, weight
        seen: set[str] = set()

        def add(name, kind, side, website, weight):
            if name.lower() not in seen and len(rows) < count:
                seen.add(name.lower())
                rows.append((name, kind, side, website, weight))

        for row in KNOWN_CLAIMANTS:
            add(*row)
        regions = sorted({region for _, _, region in PLACES if region != "crimea"})
        for region in regions:
            add(
                f"{REGIONS[region][0].removeprefix('the ').replace(' region', '')} Regional Military Administration",
                ClaimantKind.GOVERNMENT_BODY,
                "Ukrainian government",
                "",
                30,
            )
        for english, _, _ in PLACES[: len(PLACES) // 2]:
            add(f"Mayor of {english}", ClaimantKind.OFFICIAL, "Ukrainian government", "", 8)
        for region, _ in RUSSIAN_REGIONS:
            add(f"Governor of the {region} region", ClaimantKind.OFFICIAL, "Russian government", "", 20)
        attempts = 0
        while len(rows) < count and attempts < count * 20:
            attempts += 1
            roll = rng.random()
            if roll < 0.30:
                name = f"{ordinal(rng.randint(1, 160))} Separate {rng.choice(BRIGADE_TYPES)} Brigade"
                add(name, ClaimantKind.MILITARY, "Ukrainian government", "", rng.uniform(0.5, 4))
            elif roll < 0.40:
                name = f"{ordinal(rng.randint(1, 400))} {rng.choice(RUSSIAN_UNIT_TYPES)}"
                add(name, ClaimantKind.MILITARY, "Russian government", "", rng.uniform(0.5, 3))
            elif roll < 0.60:
                side = rng.choice(["Ukrainian government", "Russian government", "US government", "UK government"])
                name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
                add(name, ClaimantKind.OFFICIAL, side, "", rng.uniform(0.5, 5))
            elif roll < 0.70:
                name = f"{rng.choice(UK_FIRST_NAMES)} {rng.choice(UK_LAST_NAMES)}"
                add(name, ClaimantKind.PERSON, rng.choice([None, "Ukrainian, non-government"]), "", rng.uniform(0.2, 2))
            elif roll < 0.90:
                handle = f"{rng.choice(CHANNEL_WORDS)}_{rng.choice(CHANNEL_WORDS)}{rng.randint(1, 99)}"
                side = rng.choice([None, None, "Russian, non-government", "Ukrainian, non-government"])
                add(f"@{handle}", ClaimantKind.SOCIAL_ACCOUNT, side, f"t.me/{handle}", rng.uniform(0.2, 3))
            else:
                _, city = rng.choice(OUTLET_CITIES)
                name = f"{city} {rng.choice(ORGANISATION_KINDS)}"
                add(name, ClaimantKind.ORGANISATION, "Independent", "", rng.uniform(0.2, 2))
        while len(rows) < count:  # the name space is used up: number the rest
            add(f"Front-line correspondent {len(rows)}", ClaimantKind.PERSON, None, "", 0.5)
        affiliations = world.affiliations
        lowered = {row[0].lower() for row in rows}
        existing = {
            name.lower(): pk for pk, name in Claimant.objects.values_list("pk", "name") if name.lower() in lowered
        }
        Claimant.objects.bulk_create(
            Claimant(
                name=name,
                kind=kind,
                affiliation_id=affiliations[side] if side else None,
                url=f"https://{website}/" if website else "",
            )
            for name, kind, side, website, _ in rows
            if name.lower() not in existing
        )
        stored = {
            name.lower(): (pk, affiliation)
            for pk, name, affiliation in Claimant.objects.values_list("pk", "name", "affiliation_id")
            if name.lower() in lowered
        }
        for name, _, _, website, weight in rows:
            pk, affiliation = stored[name.lower()]
            world.claimants.append(ClaimantInfo(pk, name, affiliation, f"https://{website}/" if website else ""))
            world.claimant_weights.append(weight)

    def _tags(self, count: int) -> None:
        names = list(TAG_TOPICS)
        for english, ukrainian, _ in PLACES:
            names += [english, f"{english} front", ukrainian]
        extra = 0
        while len(names) < count:
            extra += 1
            names.append(f"{PLACES[extra % len(PLACES)][0]} shelling {extra // len(PLACES) + 1}")
        unique: dict[str, str] = {}
        for name in names:
            unique.setdefault(name.lower(), name)
        names = list(unique.values())[:count]
        lowered = {name.lower() for name in names}
        existing = {name.lower() for name in Tag.objects.values_list("name", flat=True)}
        Tag.objects.bulk_create(Tag(name=name) for name in names if name.lower() not in existing)
        self.world.tags = [pk for pk, name in Tag.objects.values_list("pk", "name") if name.lower() in lowered]

    # -- sources --

    def _source_count(self) -> int:
        return max(200, self.options.claims)

    def _claim_time(self, position: float) -> float:
        """When the claim at `position` (0..N) was logged: denser towards now, as a desk grows."""
        share = min(max(position / self.options.claims, 0.0), 0.999999)
        return self.start + SPAN_DAYS * DAY * math.sqrt(share)

    def _source_time(self, index: int) -> float:
        """A source was published shortly before the claims that cite it (see _pick_source)."""
        position = index * self.options.claims / self.source_total
        return self._claim_time(position) - 12 * HOUR - 36 * HOUR * unit_hash(index, 11)

    def _source_fields(self, index: int) -> tuple[str, str, OutletInfo]:
        """URL, title and outlet of source number `index`, recomputable from the index alone
        (evidence snapshots quote them without keeping a million of them in memory)."""
        outlet = self.world.outlets[self.source_outlets[index]]
        source_id = self.first_ids[Source._meta.db_table] + index
        english, ukrainian, _ = PLACES[int(unit_hash(index, 3) * len(PLACES))]
        slug, topic, topic_uk = SOURCE_TOPICS[int(unit_hash(index, 5) * len(SOURCE_TOPICS))]
        title = f"{ukrainian}: {topic_uk}" if outlet.domain.endswith("ua") else f"{english}: {topic}"
        if outlet.kind == "platform":
            channel = CHANNEL_WORDS[source_id % len(CHANNEL_WORDS)]
            if outlet.domain == "youtube.com":
                url = f"https://www.youtube.com/watch?v=seed{source_id:07d}"
            elif outlet.domain == "x.com":
                url = f"https://x.com/{channel}_news/status/{source_id}"
            else:
                url = f"https://{outlet.domain}/{channel}{source_id % 97}/{source_id}"
            return url, f"Post: {title}", outlet
        day = self.stamp.day(self._source_time(index))
        if outlet.kind == "official":
            return f"https://{outlet.domain}/press/{day.replace('-', '')}-{slug}-{source_id}", title, outlet
        host = f"www.{outlet.domain}" if outlet.www else outlet.domain
        section = SECTIONS[source_id % len(SECTIONS)]
        return (
            f"https://{host}/{section}/{day.replace('-', '/')}/{english.lower().replace(' ', '-')}-{slug}-{source_id}",
            title,
            outlet,
        )

    def _sources(self) -> None:
        rng, world = self.random, self.world
        self.source_total = total = self._source_count()
        # Big wires and ministries publish more: each outlet's share of the sources.
        weights = [
            (8.0 if index < len(KNOWN_OUTLETS) else 1.0) * rng.uniform(0.3, 1.7) for index in range(len(world.outlets))
        ]
        bounds = cumulative(weights)
        top = bounds[-1]
        self.source_outlets = array("H", (bisect.bisect(bounds, rng.random() * top) for _ in range(total)))
        first = self.first_ids[Source._meta.db_table]
        checkers = world.checkers + world.editors
        stamp = self.stamp

        def lines() -> Iterator[str]:
            for index in range(total):
                url, title, outlet = self._source_fields(index)
                published = self._source_time(index)
                added = published + 6 * HOUR * unit_hash(index, 13)
                kind = {
                    "platform": SourceKind.SOCIAL_POST if outlet.domain != "youtube.com" else SourceKind.VIDEO,
                    "official": SourceKind.OFFICIAL_STATEMENT,
                }.get(outlet.kind) or (SourceKind.ARTICLE if unit_hash(index, 17) < 0.85 else SourceKind.IMAGERY)
                yield (
                    f"{first + index}\t{url}\t{copy_text(title)}\t{outlet.id}\t{kind}\t"
                    f"{stamp(published) if unit_hash(index, 19) < 0.8 else NULL}\t\t"
                    f"{checkers[index % len(checkers)]}\t{stamp(added)}\n"
                )

        rows = self._copy(
            Source,
            ["id", "url", "title", "outlet_id", "kind", "published_at", "archive_url", "added_by_id", "added_at"],
            lines(),
        )
        self.say(f"  {rows:,} sources on {len(world.outlets)} outlets")

    # -- claims and what hangs on them --

    def _claims(self) -> None:
        n, chunk = self.options.claims, self.options.chunk
        self._plan_busy_week()
        self.twenty_links_index = n // 2
        self.claim_id = self.first_ids[Claim._meta.db_table]
        self.next_ids = {model: self.first_ids[model._meta.db_table] for model in (ClaimTag, Evidence, Review)}
        world = self.world
        self.claimant_bounds = cumulative(world.claimant_weights)
        known = [w if c.affiliation_id else 0.0 for c, w in zip(world.claimants, world.claimant_weights, strict=True)]
        self.known_claimant_bounds = cumulative(known)
        self.tag_bounds = cumulative(1.0 / (rank + 3) for rank in range(len(world.tags)))
        self.counters = {"evidence": 0, "reviews": 0, "tags": 0, "pending": 0, "busy": 0}
        began = time.monotonic()
        for first in range(0, n, chunk):
            last = min(n, first + chunk)
            evidence: list[str] = []
            reviews: list[str] = []
            tags: list[str] = []
            self._copy(Claim, CLAIM_COLUMNS, self._claim_lines(first, last, evidence, reviews, tags))
            self._copy(ClaimTag, ["id", "claim_id", "tag_id"], tags)
            self._copy(Evidence, EVIDENCE_COLUMNS, evidence)
            self._copy(Review, REVIEW_COLUMNS, reviews)
            rate = last / max(time.monotonic() - began, 1e-6)
            self.say(
                f"  {last:,} / {n:,} claims ({rate:,.0f}/s): {self.counters['evidence']:,} evidence, "
                f"{self.counters['reviews']:,} reviews, {self.counters['tags']:,} tags"
            )
        self.result.first_claim_id = self.claim_id
        self.result.twenty_link_claim_id = self.claim_id + self.twenty_links_index
        self.result.busy_verdicts = self.counters["busy"]
        for table, seconds in self.copy_seconds.items():
            self.say(f"  {table}: {seconds:.1f} s")
        self.say(
            f"  busy week {self.week}: {self.counters['busy']:,} verdicts; "
            f"queue: {self.counters['pending']:,} pending; "
            f"claim {self.result.twenty_link_claim_id} has {TWENTY_LINKS} evidence links"
        )

    def _claims_before(self, moment: float) -> int:
        """How many claims were logged before `moment` (the inverse of _claim_time)."""
        share = max(0.0, (moment - self.start) / (SPAN_DAYS * DAY))
        return min(self.options.claims, int(self.options.claims * share * share))

    def _plan_busy_week(self) -> None:
        """A tenth of the claims get their verdict in the busy week. Most of the week's claims are
        decided in it anyway (within hours or days); the rest of the tenth is drawn from the backlog
        logged before the week, by selection sampling, so the share comes out right."""
        n = self.options.claims
        self.busy_candidates = self._claims_before(self.week_start)
        logged_in_week = self._claims_before(self.week_end) - self.busy_candidates
        decided_share = 1 - STATUS_WEIGHTS[Status.UNVERIFIED] / sum(STATUS_WEIGHTS.values())
        wanted = round(n * BUSY_SHARE - logged_in_week * decided_share * 0.9)
        self.busy_wanted = max(0, min(self.busy_candidates, wanted))
        self.busy_seen = self.busy_selected = 0

    def _busy(self, index: int) -> bool:
        if index >= self.busy_candidates:
            return False
        left, wanted = self.busy_candidates - self.busy_seen, self.busy_wanted - self.busy_selected
        self.busy_seen += 1
        if self.random.random() * left < wanted:
            self.busy_selected += 1
            return True
        return False

    def _claim_lines(self, first: int, last: int, evidence: list, reviews: list, tags: list) -> Iterator[str]:
        rng, world, stamp = self.random, self.world, self.stamp
        statuses, status_bounds = list(STATUS_WEIGHTS), cumulative(STATUS_WEIGHTS.values())
        decided_bounds = cumulative(STATUS_WEIGHTS[status] for status in DECIDED)
        members = world.checkers + world.editors
        for index in range(first, last):
            created = self._claim_time(index + unit_hash(index, 1))
            busy = self._busy(index)
            if busy:
                status = DECIDED[bisect.bisect(decided_bounds, rng.random() * decided_bounds[-1])]
            else:
                status = statuses[bisect.bisect(status_bounds, rng.random() * status_bounds[-1])]
            if index == self.twenty_links_index:
                status, busy = Status.CONFIRMED, False
            chain = [status] if status != Status.UNVERIFIED else []
            if chain and rng.random() < CORRECTION_SHARE:
                chain.insert(0, rng.choice(CORRECTED_FROM[status]))
            needs_known = any(step in (Status.CORROBORATED, Status.CONFIRMED) for step in chain)
            bounds = self.known_claimant_bounds if needs_known else self.claimant_bounds
            claimant = world.claimants[bisect.bisect(bounds, rng.random() * bounds[-1])]
            claim_id = self.claim_id + index
            # When the verdict comes: hours to weeks after logging, or inside the busy week.
            decided_at = None
            if chain:
                if busy:
                    decided_at = self.week_start + HOUR + rng.random() * (self.week_end - self.week_start - 2 * HOUR)
                else:
                    decided_at = created + min(HOUR * math.exp(rng.gauss(2.3, 1.2)), 90 * DAY) + HOUR
            # Evidence first: the gates of every verdict in the chain are met before the first review.
            last_evidence = created + (min(decided_at, self.end) - created) * 0.3 if decided_at else created + DAY
            last_evidence = min(last_evidence, self.end - 60)
            links = self._evidence(index, claim_id, claimant, chain, status, created, last_evidence, evidence, members)
            activity = [(created, 0)]
            activity += [(added, who) for added, who in links]
            activity += self._reviews(
                claim_id, chain, created, last_evidence, decided_at, claimant, index, reviews, members
            )
            moment, actor = max(activity)
            final = self.final_status
            self._tags_of(claim_id, tags)
            english = rng.random() >= UKRAINIAN_SHARE
            place = PLACES[int(rng.random() * len(PLACES))]
            templates = ENGLISH_TEMPLATES if english else UKRAINIAN_TEMPLATES
            text = templates[int(rng.random() * len(templates))](rng, place)
            quote = ""
            if rng.random() < 0.3:
                quote = rng.choice(QUOTES_EN if english else QUOTES_UK).format(place=place[0] if english else place[1])
            claimed = stamp.day(created + 3 * HOUR - (DAY if rng.random() < 0.2 else 0))
            claimed_time = (
                f"{rng.randint(6, 23):02d}:{rng.choice((0, 15, 30, 45)):02d}:00" if rng.random() < 0.3 else NULL
            )
            event_on = claimed if rng.random() < 0.6 else NULL
            origin = f"{claimant.origin}{claim_id}" if claimant.origin else ""
            assignee = (
                NULL
                if rng.random() < (0.35 if final == Status.UNVERIFIED else 0.08)
                else members[int(rng.random() * len(members))]
            )
            creator = members[int(rng.random() * len(members))]
            priority = bisect.bisect(PRIORITY_BOUNDS, rng.random() * PRIORITY_BOUNDS[-1])
            yield (
                f"{claim_id}\t{copy_text(text)}\t{claimant.id}\t{claimed}\t{claimed_time}\t{event_on}\t"
                f"{place[0] if english else place[1]}\t{origin}\t{copy_text(quote)}\t{priority}\t{assignee}\t"
                f"{final}\t{creator}\t{stamp(created)}\t{actor or creator}\t{stamp(moment)}\t1\n"
            )

    def _tags_of(self, claim_id: int, tags: list) -> None:
        rng, world = self.random, self.world
        count = bisect.bisect(TAG_COUNT_BOUNDS, rng.random() * TAG_COUNT_BOUNDS[-1])
        chosen = {world.tags[bisect.bisect(self.tag_bounds, rng.random() * self.tag_bounds[-1])] for _ in range(count)}
        for tag in chosen:
            tags.append(f"{self.next_ids[ClaimTag]}\t{claim_id}\t{tag}\n")
            self.next_ids[ClaimTag] += 1
        self.counters["tags"] += len(chosen)

    def _pick_source(self, index: int, used: set, accept: Callable[[OutletInfo], bool]) -> int:
        """A source published in the days before the claim, on an outlet `accept` likes."""
        outlets, source_outlets = self.world.outlets, self.source_outlets
        # The very first claims may cite sources from the following hours: there are none before them.
        newest = min(self.source_total - 1, max(int(index * self.source_total / self.options.claims), 200))
        window = max(64, self.source_total // 150)
        reach = min(window, newest + 1)
        for attempt in range(400):
            if attempt < 200:
                candidate = newest - int(self.random.random() * reach)
            else:  # the rare claim whose days offer no fitting source takes one from any time
                candidate = int(self.random.random() * self.source_total)
            if candidate not in used and accept(outlets[source_outlets[candidate]]):
                return candidate
        raise RuntimeError("No source fits; the outlet list lacks an affiliation the claims need.")

    def _evidence(self, index, claim_id, claimant, chain, status, created, last_evidence, evidence, members):
        """Link sources so that every verdict in the chain meets its gate, then a few more."""
        rng = self.random
        claimant_side = claimant.affiliation_id
        independent_needed = 0
        if Status.CONFIRMED in chain:
            independent_needed = settings.CONFIRMED_MIN_INDEPENDENT_SOURCES
        elif Status.CORROBORATED in chain:
            independent_needed = 1
        needs_corroboration = Status.DISPUTED in chain
        needs_contradiction = Status.DISPUTED in chain or Status.FALSE in chain
        needs_context = Status.MISLEADING in chain
        used: set[int] = set()
        independent_outlets: set[int] = set()
        links: list[tuple[int, str, bool]] = []  # source index, stance, repeats the claimant

        def independent_of_claimant(outlet: OutletInfo) -> bool:
            return (
                outlet.affiliation_id is not None
                and outlet.affiliation_id != claimant_side
                and outlet.id not in independent_outlets
            )

        while len(independent_outlets) < independent_needed:
            source = self._pick_source(index, used, independent_of_claimant)
            used.add(source)
            independent_outlets.add(self.world.outlets[self.source_outlets[source]].id)
            links.append((source, Stance.CORROBORATES, False))
        for needed, stance in (
            (needs_corroboration and not links, Stance.CORROBORATES),
            (needs_contradiction, Stance.CONTRADICTS),
            (needs_context, Stance.CONTEXT if rng.random() < 0.6 else Stance.CONTRADICTS),
        ):
            if needed:
                source = self._pick_source(index, used, lambda outlet: True)
                used.add(source)
                links.append((source, stance, False))
        wanted = bisect.bisect(EVIDENCE_COUNT_BOUNDS, rng.random() * EVIDENCE_COUNT_BOUNDS[-1])
        if index == self.twenty_links_index:
            wanted = TWENTY_LINKS
        stance_bounds = STANCE_BOUNDS[status]
        while len(links) < wanted:
            source = self._pick_source(index, used, lambda outlet: True)
            used.add(source)
            stance = STANCES[bisect.bisect(stance_bounds, rng.random() * stance_bounds[-1])]
            same_side = self.world.outlets[self.source_outlets[source]].affiliation_id == claimant_side
            repeats = stance == Stance.CORROBORATES and rng.random() < (0.6 if same_side else 0.04)
            links.append((source, stance, repeats))
        self.links = links
        stamp, first_source = self.stamp, self.first_ids[Source._meta.db_table]
        added_times = []
        for source, stance, repeats in links:
            added = created + rng.random() * max(0.0, last_evidence - created)
            who = members[int(rng.random() * len(members))]
            excerpt = rng.choice(EXCERPTS) if rng.random() < 0.3 else ""
            note = rng.choice(NOTES) if rng.random() < 0.1 else ""
            evidence.append(
                f"{self.next_ids[Evidence]}\t{claim_id}\t{first_source + source}\t{stance}\t"
                f"{'t' if repeats else 'f'}\t{copy_text(excerpt)}\t{copy_text(note)}\t{who}\t{stamp(added)}\n"
            )
            self.next_ids[Evidence] += 1
            added_times.append((added, who))
        self.counters["evidence"] += len(links)
        return added_times

    def _snapshot(self, claimant) -> str:
        """The evidence summary and sources an editor approved on, as claims.workflow.evidence_snapshot
        writes it."""
        counts = {Stance.CORROBORATES: 0, Stance.CONTRADICTS: 0, Stance.CONTEXT: 0}
        independent_outlets = set()
        sources = []
        for source, stance, repeats in self.links:
            url, title, outlet = self._source_fields(source)
            counts[stance] += 1
            independent = (
                stance == Stance.CORROBORATES
                and not repeats
                and claimant.affiliation_id is not None
                and outlet.affiliation_id is not None
                and outlet.affiliation_id != claimant.affiliation_id
            )
            if independent:
                independent_outlets.add(outlet.id)
            sources.append(
                {
                    "url": url,
                    "title": title,
                    "outlet": outlet.name,
                    "stance": str(stance),
                    "independent": independent,
                    "repeats_claimant": repeats,
                }
            )
        order = {Stance.CORROBORATES: 1, Stance.CONTRADICTS: 2, Stance.CONTEXT: 3}
        sources.sort(key=lambda source: (0 if source["independent"] else order[source["stance"]], source["url"]))
        snapshot = {
            "corroborating": counts[Stance.CORROBORATES],
            "independent": len(independent_outlets),
            "contradicting": counts[Stance.CONTRADICTS],
            "context": counts[Stance.CONTEXT],
            "sources": sources,
        }
        return copy_text(json.dumps(snapshot, ensure_ascii=False, separators=(",", ":")))

    def _reviews(self, claim_id, chain, created, last_evidence, decided_at, claimant, index, reviews, members):
        """The claim's reviews in order, each decided before the next is proposed. Returns the
        (moment, person) of each step, and leaves the claim's resulting status in self.final_status."""
        rng, stamp = self.random, self.stamp
        editors, checkers = self.world.editors, self.world.checkers
        steps: list[tuple[str, str]] = []  # (proposed status, decision)
        if rng.random() < WITHDRAWN_SHARE:
            steps.append((rng.choice(DECIDED), Decision.WITHDRAWN))
        if rng.random() < RETURNED_SHARE:
            steps.append((chain[-1] if chain else rng.choice(DECIDED), Decision.RETURNED))
        steps += [(status, Decision.APPROVED) for status in chain]
        activity: list[tuple[float, int]] = []
        status = Status.UNVERIFIED
        if not steps:
            self.final_status = status
            return activity
        # Spread the steps between the last evidence and the verdict (or a few weeks for claims
        # that stay unverified); a step that would end after now is still pending, and the rest wait.
        finish = decided_at if decided_at is not None else last_evidence + rng.uniform(1, 8) * DAY
        segment = (finish - last_evidence) / len(steps)
        for number, (proposed_status, decision) in enumerate(steps):
            begins = last_evidence + segment * number
            proposed_at = begins + segment * rng.uniform(0.05, 0.4)
            decided = finish if number == len(steps) - 1 else begins + segment * rng.uniform(0.6, 0.95)
            if proposed_at >= self.end:
                break
            proposer = (
                checkers[int(rng.random() * len(checkers))]
                if rng.random() < 0.85
                else editors[int(rng.random() * len(editors))]
            )
            pending = decided >= self.end
            if pending:
                decision, decider, decided_text, note = Decision.PENDING, NULL, NULL, ""
                self.counters["pending"] += 1
            else:
                if decision == Decision.WITHDRAWN:
                    decider = proposer
                else:
                    decider = editors[int(rng.random() * len(editors))]
                    if decider == proposer:
                        decider = editors[(editors.index(proposer) + 1) % len(editors)]
                decided_text = stamp(decided)
                note = rng.choice(RETURN_NOTES) if decision == Decision.RETURNED else ""
            snapshot = self._snapshot(claimant) if decision == Decision.APPROVED else "{}"
            reviews.append(
                f"{self.next_ids[Review]}\t{claim_id}\t{status}\t{proposed_status}\t"
                f"{copy_text(RATIONALES[proposed_status])}\t{proposer}\t{stamp(proposed_at)}\t{decision}\t"
                f"{decider}\t{decided_text}\t{note}\t{snapshot}\n"
            )
            self.next_ids[Review] += 1
            self.counters["reviews"] += 1
            activity.append((proposed_at, proposer))
            if pending:
                break
            activity.append((decided, decider))
            if decision == Decision.APPROVED:
                status = proposed_status
                if self.week_start <= decided < self.week_end:
                    self.counters["busy"] += 1
        self.final_status = status
        return activity

    # -- the audit history --

    def _audit_history(self) -> None:
        """One insert event per new row, dated when the row was created, and an update event for the
        claims and reviews that changed since (a verdict, a decision): as the triggers would have."""
        context = uuid.uuid4()
        self.cursor.execute(
            "INSERT INTO pghistory_context (id, created_at, updated_at, metadata) VALUES (%s, now(), now(), %s)",
            [context, json.dumps({"command": "seed_scale"})],
        )
        before = self.stamp(self.start - DAY)
        created = {
            Affiliation: f"'{before}'::timestamptz",
            Tag: f"'{before}'::timestamptz",
            Claimant: f"'{before}'::timestamptz",
            Outlet: f"'{before}'::timestamptz",
            Source: "added_at",
            Claim: "created_at",
            ClaimTag: "(SELECT created_at FROM claims_claim WHERE claims_claim.id = claim_id)",
            Evidence: "added_at",
            Review: "proposed_at",
        }
        as_created = {
            Claim: {
                "status": "'unverified'",
                "version": "1",
                "updated_at": "created_at",
                "updated_by_id": "created_by_id",
            },
            Review: {
                "decision": "'pending'",
                "decided_by_id": "NULL",
                "decided_at": "NULL",
                "decision_note": "''",
                "evidence_snapshot": "'{}'::jsonb",
            },
        }
        for model in DESK_MODELS:
            rows = self._events(model, "insert", created[model], as_created.get(model, {}), "TRUE", context)
            self.say(f"  {rows:,} {model.__name__} insert events")
        changed = {
            Claim: ("updated_at", "status <> 'unverified' OR updated_at <> created_at"),
            Review: ("decided_at", "decision <> 'pending'"),
        }
        for model, (moment, condition) in changed.items():
            rows = self._events(model, "update", moment, {}, condition, context)
            self.say(f"  {rows:,} {model.__name__} update events")

    def _events(self, model, label: str, moment: str, overrides: dict, condition: str, context) -> int:
        events = event_model(model)
        columns = [field.column for field in events._meta.concrete_fields if not field.column.startswith("pgh_")]
        values = [overrides.get(column, column) for column in columns]
        table = model._meta.db_table
        self.cursor.execute(
            f"INSERT INTO {events._meta.db_table} (pgh_created_at, pgh_label, pgh_obj_id, pgh_context_id, "  # noqa: S608
            f"{', '.join(columns)}) SELECT {moment}, %s, id, %s, {', '.join(values)} FROM {table} "
            f"WHERE id >= %s AND ({condition})",
            [label, context, self.first_ids[table]],
        )
        return self.cursor.rowcount


CLAIM_COLUMNS = [
    "id",
    "text",
    "claimant_id",
    "claimed_on",
    "claimed_time",
    "event_on",
    "event_place",
    "origin_url",
    "quote",
    "priority",
    "assignee_id",
    "status",
    "created_by_id",
    "created_at",
    "updated_by_id",
    "updated_at",
    "version",
]
EVIDENCE_COLUMNS = [
    "id",
    "claim_id",
    "source_id",
    "stance",
    "repeats_claimant",
    "excerpt",
    "note",
    "added_by_id",
    "added_at",
]
REVIEW_COLUMNS = [
    "id",
    "claim_id",
    "previous_status",
    "proposed_status",
    "rationale",
    "proposed_by_id",
    "proposed_at",
    "decision",
    "decided_by_id",
    "decided_at",
    "decision_note",
    "evidence_snapshot",
]
PRIORITY_BOUNDS = cumulative(PRIORITY_WEIGHTS)
TAG_COUNT_BOUNDS = cumulative(TAG_COUNT_WEIGHTS)
EVIDENCE_COUNT_BOUNDS = cumulative(EVIDENCE_COUNT_WEIGHTS)
STANCE_BOUNDS = {status: cumulative(weights) for status, weights in STANCE_WEIGHTS.items()}
