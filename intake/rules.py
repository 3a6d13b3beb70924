"""The words attribution rules look for, per language (docs/intake.md, "Attribution rules").

Kept apart from the rules themselves so that a desk can read, and extend, what counts as a reporting
verb, a title or an organisation without reading the patterns.
"""

from __future__ import annotations

from claims.models import ClaimantKind


def words(text: str) -> set[str]:
    """A word list written as words."""
    return set(text.split())


# Reporting verbs: a claimant before or after one of these made the claim. "accused" and "warned" report
# a claim as surely as "said" does.
VERBS = {
    "en": words(
        """
        said says say announced announces claimed reported stated told tells added adds insisted insists denied
        denies wrote writes confirmed confirms warned warns accused accuses alleged alleges declared stressed
        asserted maintained posted tweeted estimated acknowledged admitted noted argued promised pledged vowed
        called condemned suggested replied described demanded urged rejected dismissed written welcomed
        thanked explained responded voiced cautioned praised hailed criticised criticized answered
        """
    ),
    # Stems: the endings below complete them.
    "uk": words(
        """
        заяви повідоми повідомля сказа наголоси наголошу зазначи зазнача дода написа розпові оголоси підтверди
        запереч запевни запевня поскаржи говори попереди звинувати стверджу пообіця визна уточни назва допові
        поясни припусти вислови підкресли нагада
        відреагува вважа писа закли заклика застерег засуди вимага стверджува
        """
    ),
    "ru": words(
        """
        заяви заявля сообщи сообща сказа отмети отмеча добави написа рассказа объяви подтверди завери заверя
        пожалова говори вырази цитиру напомни напомина предупреди
        обвини утвержда подчеркну пообеща призна уточни переда назва доложи отрица отверг поясни предположи
        высказа отреагирова счита объясни писа призва осуди потребова указа
        """
    ),
}
# The Cyrillic verbs above are stems; these are the endings a reporting verb takes (past and present).
# Only these, and one of them always, so "додатково" (additionally), "передача" (a handover) or "заяви"
# (statements) are not taken for verbs.
CYRILLIC_VERB_ENDINGS = r"(?:в|л|ла|ли|ло|ів|ив|ила|или|ило|є|ють|ет|ёт|ют|ут|ит|ят|ує|ують)(?:ся|сь)?"
# Reporting verbs that are whole words: "опроверг", "говорится в заявлении", "йдеться в повідомленні".
CYRILLIC_WHOLE_VERBS = {
    "uk": ["йдеться", "дійш(?:ли|ов|ла) висновку", "наголошується", "зазначається", "підкреслюється",
           "повідомляється"],
    "ru": ["опроверг", "отверг", "говорится", "пришл[иа] к выводу", "пришёл к выводу", "пришел к выводу",
           "отмечается", "подч[её]ркивается", "сообщается", "указывается"],
}  # fmt: skip
# Of these, the ones that say what a statement says, its author unnamed: "йдеться в заяві", "отмечается".
IMPERSONAL_SAYS = {
    "uk": r"йдеться|наголошується|зазначається|підкреслюється|повідомляється",
    "ru": r"говорится|отмечается|подч[её]ркивается|сообщается|указывается",
}

# Verbs that say the claimant denied something: the claim is the denial ("Peskov denied that …"), never
# what was denied.
DENIALS = {
    "en": words("denied denies rejected dismissed"),
    "uk": words("запереч відкину відкида спростува"),
    "ru": words("опроверг отрица отверг"),
}

# "He added that …", "It also reported that …": the claimant of the claim before, when a pronoun or
# "also" leaves it unsaid.
PRONOUNS = {
    "en": {"he": "person", "she": "person", "it": "organisation", "they": "any", "we": "any"},
    # "Там також стверджують": there, at the organisation named last.
    "uk": {"він": "person", "вона": "person", "воно": "organisation", "вони": "any", "там": "organisation"},
    "ru": {"он": "person", "она": "person", "оно": "organisation", "они": "any", "там": "organisation"},
}

# Words that make a name an organisation, and what kind of claimant that makes it.
ORGANISATION_KINDS = [
    (
        ClaimantKind.MILITARY,
        "staff army forces force navy command brigade military troops guard battalion regiment corps"
        " штаб генштаб армія армии сили силы війська войска військ войск командування командование бригада флот"
        " зсу всу угруповання группировка корпус легіон легион",
    ),
    (
        ClaimantKind.GOVERNMENT_BODY,
        "ministry office government kremlin department administration council committee service authorities"
        " presidency parliament prosecutor police embassy mod agency"
        " міністерство министерство міноборони минобороны офіс офис кремль уряд оперштаб правительство адміністрація"
        " администрация служба рада комітет комитет прокуратура поліція полиция посольство мзс мид центр"
        " управління управление відомство ведомство спецслужба дім",
    ),
    (
        ClaimantKind.MEDIA,
        "tass ria interfax news newspaper television tv broadcaster channel radio тасс риа інтерфакс интерфакс"
        " телеканал газета агентство",
    ),
    (
        ClaimantKind.ORGANISATION,
        "iaea nato un united nations red cross union organisation organization group alliance commission g7 g20"
        " consortium company corporation operator fund institute association centre center watchdog bank"
        " магате магатэ група группа інститут институт фонд проєкт проект комісія комиссия партія партия",
    ),
]
ORGANISATION_WORDS = {word for _, words in ORGANISATION_KINDS for word in words.split()}

# Titles before or after a name ("Kremlin spokesman Dmitry Peskov", "Ihor Klymenko, the interior
# minister"): they make a person an official, and are not part of the name.
TITLES = words(
    """
    president vice prime minister secretary spokesman spokeswoman spokesperson governor mayor head chief
    commander commander-in-chief brigadier top general colonel lieutenant major admiral adviser advisor aide
    ambassador envoy chancellor
    foreign defence defense interior deputy regional military state press director representative official
    officials senator lawmaker chairman chairwoman speaker commissioner prosecutor leader ombudsman
    mr mrs ms dr us u.s. uk eu nato un kremlin white house russian ukrainian american british german french
    polish russia's ukraine's
    президент держсекретар госсекретарь основатель засновник прем'єр-міністр міністр министр речник речниця
    пресс-секретарь прес-секретар представник
    представитель губернатор мер глава голова керівник командувач командующий генерал посол радник советник
    координатор помічник помощник заступник заместитель начальник очільник официальный офіційний уповноважений
    уполномоченный спікер спикер лідер лидер секретарь секретар генеральный генеральний
    """
)
# Titles only a person holds: a claimant named by one alone ("the governor of Belgorod") is an official.
PERSON_TITLES = words(
    """
    president minister secretary spokesman spokeswoman spokesperson governor mayor commander ambassador envoy
    chancellor adviser advisor prosecutor ombudsman президент міністр министр речник губернатор мер посол
    глава голова керівник командувач командующий начальник очільник секретарь секретар главком головком
    лідер лидер прем'єр премьер прем’єр
    """
)
# Words in a description that say nothing of which claimant it is: "військове відомство" is the defence
# ministry named before, "британський уряд" (with a qualifier of its own) is not.
GENERIC_WORDS = words(
    """
    військовий военный оборонний оборонный російський российский український украинский
    зовнішньополітичний внешнеполитический дипломатичний дипломатический місцевий местный
    регіональний региональный обласний областной
    """
)
# Words set off between a sayer and the verb, none of them the sayer: "Сунак, своєю чергою, наголосив".
ASIDES = {
    "uk": r"(?i:своєю чергою|у свою чергу|зі свого боку|з свого боку|втім|однак|щоправда|водночас|зокрема)",
    "ru": r"(?i:в свою очередь|со своей стороны|впрочем|однако|при этом|в частности)",
}
# A relative clause between a sayer and the verb: "Кулеба, який того ранку виступав …, закликав".
WHO_CYRILLIC = words("який яка які котрий котра который которая которые")
# Lower-case words inside a person's name: "Ursula von der Leyen", "Урсула фон дер Ляєн", "Staffan de Mistura".
NAME_PARTICLES = words("von der van den de da di du la le al bin фон дер ван де да ді ди дю ла ле аль бін бен")
# Persons' kind: an official when a title came with the name.
PERSON_KIND, OFFICIAL_KIND = ClaimantKind.PERSON, ClaimantKind.OFFICIAL

# Words before the claimant that are not part of it: "Meanwhile, the ministry said".
# Words that stand beside a name and are none of it: "Сам Залужний", "Сама Захарова".
NOT_NAMES = words("сам сама само самі сами")

LEADING_FILLERS = {
    "en": words("meanwhile separately also later earlier however but and in a statement on then still yet"),
    "uk": words("тим часом також пізніше раніше однак але а і й водночас натомість своєю черговою як"),
    "ru": words("тем временем также позже ранее однако но а и при этом в свою очередь как"),
}

# Words saying when something was said, which stand beside a Ukrainian or Russian claimant and are not
# part of it: "в среду Минобороны", "Позднее в оперштабе", "Кількома годинами пізніше в ОСУВ",
# "Сирський тим часом".
WHEN_CYRILLIC = (
    r"\b\d{1,2}(?:-?го)?\s+(?:січн|лют|берез|квітн|травн|червн|липн|серпн|верес|жовтн|листопад|грудн|январ|феврал|"
    r"март|апрел|ма[яй]|июн|июл|август|сентябр|октябр|ноябр|декабр)\w*(?:\s+\d{4}(?:\s+(?:року|года|г\.))?)?|"
    r"\b(?:(?:кільк|декільк|нескольк)\w*|пар[уоі]\w*|\d+)\s+(?:годин|хвилин|дн|тиж|час|минут|недел)\w*"
    r"(?:\s+(?:пізніше|раніше|тому|позже|позднее|ранее|назад|спустя))?|"
    r"\b(?:понеділ\w*|вівтор\w*|серед[уаи]|четвер\w*|п.ятниц\w*|субот\w*|неділ\w*|понедельник\w*|вторник\w*|"
    r"сред[уаы]|пятниц\w*|суббот\w*|воскресень\w*|вчора|учора|вчера|накануне|напередодні|сьогодні|сегодня|"
    r"ніч|ночь|ночью|вночі|вечер\w*|увечері|ввечері|утр\w*|вранці|зранку|днем|днём|вдень|ранков\w*|вечірн\w*|"
    r"утренн\w*|вечерн\w*|денн\w*|пізно|поздно|ще|ещё|еще|вже|уже|тот же день|"
    r"(?:того|цього|этого) ж(?:е)? (?:дня|ранку|вечора|утра|вечера|ночі|ночи)|тоді|тогда|тим часом|ранок|ранку|"
    r"тем временем|згодом|невдовзі|незабаром|потім|впоследствии|вскоре|затем|"
    r"потом|позднее|пізніше|позже|раніше|ранее|нещодавно|недавно|своєму|своем|своём|вкотре|вновь|знову|опять|"
    r"снова|кроме того|крім того)\b"
)

# The occasion a Ukrainian or Russian claimant spoke at, and whom they met there: "Путин на совещании с
# членами правительства", "Путін під час зустрічі з Шойгу". Not the claimant.
OCCASION_CYRILLIC = (
    r"(?<![\w-])(?:на|під час|во время|в ходе|після|после|по итогам|за підсумками|у ході)\s+(?:[\w'’-]+\s+)?"
    r"(?:совещани|нарад|засіданн|заседани|зустріч|встреч|переговор|саміт|саммит|пресконференц|пресс-конференц|"
    r"брифінг|брифинг|конференц|форум|сесі|сесси|виступ|выступлени|ефір|эфир|телемарафон|марафон|візит|визит|"
    r"поїздк|поездк)\w*(?:\s+(?:з|зі|із|с|со)\s+[\w'’-]+(?:\s+[а-яіїєґё][\w'’-]*)?)?|"
    # "ТАСС со ссылкой на экстренные службы": whom it quotes is not who says it
    r"(?<![\w-])(?:со|з|із)\s+(?:ссылкой|посиланням)\s+на\b.*$|"
    # "Держдепартамент через своє посольство в Києві": the way it spoke
    r"(?<![\w-])через\s+(?:своє|своё|свое|свій|свой|свою)\s+[\w'’-]+(?:\s+(?:в|у)\s+[\w'’-]+)?"
)

# Phrases that introduce the claimant and need no verb: "according to the ministry, …", "по словам Пескова".
ACCORDING_TO = {
    "en": r"according to",
    # "за попередніми даними", "по предварительным данным": an adjective may stand before the noun.
    "uk": r"за (?:(?:його|її|їхніми) )?(?:\w+(?:ими|іми) )?"
    r"(?:словами|даними|інформацією|оцінками|оцінкою|повідомленням|твердженням|версією)|"
    r"як (?:йдеться в|пише|{verbs})|згідно з (?:даними|заявою)",
    "ru": r"по (?:(?:его|её|ее|их) )?(?:\w+(?:ым|им) )?"
    r"(?:словам|данным|информации|оценкам|оценке|сообщению|утверждению|версии)|"
    r"как (?:говорится в|пишет|{verbs})|согласно (?:данным|заявлению)",
}
# "як повідомили в …", "как пообещали в Кремле": any reporting verb after "як"/"как".
ACCORDING_TO = {
    language: pattern.replace("{verbs}", "(?:" + "|".join(sorted(VERBS[language], key=len, reverse=True)) + r")\w*")
    for language, pattern in ACCORDING_TO.items()
}
# "Об этом заявил Песков": the claim is the sentence before.
ABOUT_THIS = {
    "uk": r"^(?:про це|це)\b",
    "ru": r"^(?:об этом|это)\b",
}
# Words joining an attribution to its content: "said that", "заявил, что".
THAT = {"en": r"that", "uk": r"що|мовляв", "ru": r"что"}
# A negation before the verb: "did not say", "не уточнил" report no claim.
NEGATIONS = {"en": r"\b(?:not|n't|never|declined to|refused to)\b", "uk": r"\bне\b", "ru": r"\bне\b"}
