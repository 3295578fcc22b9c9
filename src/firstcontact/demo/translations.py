"""Polish translations of what the resident site shows from the demo catalogue: every
service's name and description, the groups, the life events, and the questions and choices
of the services residents use most. Loaded as rows of firstcontact.translations, one per
object and field, by matching the English the demo catalogue uses.
"""

from __future__ import annotations

from firstcontact.catalogue.models import EligibilityQuestion, Service, ServiceAttribute
from firstcontact.lifeevents.models import LifeEvent, LifeEventService
from firstcontact.translations.models import TRANSLATABLE
from firstcontact.translations.services import set_translation

POLISH: dict[str, str] = {
    # Groups
    "Roads and pavements": "Drogi i chodniki",
    "Street care": "Porządek na ulicach",
    "Bins and recycling": "Odpady i recykling",
    "Parking and travel": "Parkowanie i komunikacja",
    "Libraries": "Biblioteki",
    "Your council": "Twoja rada",
    "Health": "Zdrowie",
    "Health and wellbeing": "Zdrowie i samopoczucie",
    "Council Tax and benefits": "Podatek lokalny i zasiłki",
    "Housing": "Mieszkalnictwo",
    "Community safety": "Bezpieczeństwo w okolicy",
    "Life events": "Ważne wydarzenia życiowe",
    "Schools and education": "Szkoły i edukacja",
    "Adult social care": "Opieka społeczna dla dorosłych",
    "Planning": "Planowanie przestrzenne",
    "Environmental health": "Zdrowie środowiskowe",
    "Licensing": "Licencje i zezwolenia",
    # Services: names and descriptions
    "Pothole": "Dziura w jezdni",
    "Report a pothole or a sunken or broken road surface.": (
        "Zgłoś dziurę w jezdni albo zapadniętą lub uszkodzoną nawierzchnię drogi."
    ),
    "Street light fault": "Awaria latarni ulicznej",
    "Report a street light that is out, on in the day, flickering or damaged.": (
        "Zgłoś latarnię, która nie świeci, świeci w dzień, migocze lub jest uszkodzona."
    ),
    "Damaged pavement": "Uszkodzony chodnik",
    "Report a cracked, uneven or raised pavement.": (
        "Zgłoś pęknięty, nierówny lub wybrzuszony chodnik."
    ),
    "Flooding on a road": "Zalana droga",
    "Report water flooding a road or pavement.": "Zgłoś wodę zalewającą drogę lub chodnik.",
    "Traffic light fault": "Awaria sygnalizacji świetlnej",
    "Report traffic lights or a pedestrian crossing that is not working.": (
        "Zgłoś niedziałającą sygnalizację świetlną lub przejście dla pieszych."
    ),
    "Road gritting": "Posypywanie dróg",
    "Which roads are gritted and how to ask for a grit bin.": (
        "Które drogi są posypywane i jak poprosić o pojemnik z piaskiem."
    ),
    "Dropped kerb application": "Wniosek o obniżenie krawężnika",
    "Apply for a dropped kerb so you can drive onto your property.": (
        "Złóż wniosek o obniżenie krawężnika, aby móc wjeżdżać na swoją posesję."
    ),
    "Blue Badge application": "Wniosek o Blue Badge",
    "Apply for or renew a Blue Badge for disabled parking.": (
        "Złóż wniosek o Blue Badge (karta parkingowa dla osób z niepełnosprawnością) lub go odnów."
    ),
    "Older or disabled person's bus pass": (
        "Bilet autobusowy dla seniorów i osób z niepełnosprawnością"
    ),
    "Apply for a free bus pass because of age or disability.": (
        "Złóż wniosek o bezpłatny bilet autobusowy ze względu na wiek lub niepełnosprawność."
    ),
    "Free school meals application": "Wniosek o bezpłatne posiłki szkolne",
    "Apply for free school meals for a child at school in Wessex.": (
        "Złóż wniosek o bezpłatne posiłki dla dziecka uczącego się w szkole w Wessex."
    ),
    "Primary school place": "Miejsce w szkole podstawowej",
    "Apply for a primary school place, including moves during the school year.": (
        "Złóż wniosek o miejsce w szkole podstawowej, także przy zmianie szkoły w trakcie roku."
    ),
    "Library services": "Usługi biblioteczne",
    "Opening hours, renewals, e-books and events at Wessex libraries.": (
        "Godziny otwarcia, przedłużanie wypożyczeń, e-booki i wydarzenia w bibliotekach Wessex."
    ),
    "Join the library": "Zapisz się do biblioteki",
    "Get a library card.": "Wyrób kartę biblioteczną.",
    "Adult social care needs assessment": "Ocena potrzeb w zakresie opieki dla dorosłych",
    "Ask for an assessment of care and support needs, for yourself or someone you care for.": (
        "Poproś o ocenę potrzeb w zakresie opieki i wsparcia dla siebie lub osoby, którą się "
        "opiekujesz."
    ),
    "Equipment and adaptations at home": "Sprzęt i przystosowanie domu",
    "Ask for equipment or adaptations to make a home safer.": (
        "Poproś o sprzęt lub przeróbki, które uczynią dom bezpieczniejszym."
    ),
    "Missed bin collection": "Nieodebrane odpady",
    "Report a bin that was not emptied on collection day.": (
        "Zgłoś pojemnik, który nie został opróżniony w dniu odbioru."
    ),
    "Bulky waste collection": "Odbiór odpadów wielkogabarytowych",
    "Book a collection of large household items.": (
        "Zamów odbiór dużych przedmiotów z gospodarstwa domowego."
    ),
    "Garden waste subscription": "Abonament na odbiór odpadów zielonych",
    "Subscribe to the fortnightly garden waste collection.": (
        "Wykup abonament na odbiór odpadów zielonych co dwa tygodnie."
    ),
    "Recycling collections": "Odbiór odpadów do recyklingu",
    "What goes in which bin, and when it is collected.": (
        "Co wrzucać do którego pojemnika i kiedy jest odbierany."
    ),
    "Fly-tipping": "Nielegalne wysypisko śmieci",
    "Report rubbish dumped on public land.": "Zgłoś śmieci porzucone na terenie publicznym.",
    "Graffiti": "Graffiti",
    "Report graffiti on public property.": "Zgłoś graffiti na mieniu publicznym.",
    "Dog fouling": "Psie odchody",
    "Report dog fouling on a path or in a park.": "Zgłoś psie odchody na ścieżce lub w parku.",
    "Street cleaning": "Sprzątanie ulic",
    "Report litter, broken glass or an overflowing litter bin.": (
        "Zgłoś śmieci, potłuczone szkło lub przepełniony kosz na śmieci."
    ),
    "Abandoned vehicle": "Porzucony pojazd",
    "Report a vehicle that seems to have been abandoned.": (
        "Zgłoś pojazd, który wygląda na porzucony."
    ),
    "Discarded needles": "Porzucone igły",
    "Report discarded needles or syringes.": "Zgłoś porzucone igły lub strzykawki.",
    "Blocked drain": "Zatkana studzienka",
    "Report a blocked or smelly drain in the street.": (
        "Zgłoś zatkaną lub cuchnącą studzienkę na ulicy."
    ),
    "Noise nuisance": "Uciążliwy hałas",
    "Report noise from a neighbour, business or alarm.": (
        "Zgłoś hałas od sąsiada, firmy lub alarmu."
    ),
    "Pest control": "Zwalczanie szkodników",
    "Book a pest control visit.": "Zamów wizytę w sprawie zwalczania szkodników.",
    "Council Tax": "Podatek lokalny (Council Tax)",
    "Council Tax bands, bills, payments and instalments.": (
        "Przedziały podatku lokalnego, rachunki, płatności i raty."
    ),
    "Council Tax single person discount": "Zniżka w podatku lokalnym dla osoby samotnej",
    "Apply for 25% off Council Tax if you live alone.": (
        "Złóż wniosek o 25% zniżki w podatku lokalnym, jeśli mieszkasz sam(a)."
    ),
    "Council Tax Reduction and benefits": "Obniżka podatku lokalnego i zasiłki",
    "Apply for help paying Council Tax on a low income.": (
        "Złóż wniosek o pomoc w opłacaniu podatku lokalnego przy niskich dochodach."
    ),
    "Housing Benefit": "Dodatek mieszkaniowy (Housing Benefit)",
    "Apply for Housing Benefit (pension age, or supported or temporary housing).": (
        "Złóż wniosek o dodatek mieszkaniowy (wiek emerytalny albo mieszkanie wspierane lub "
        "tymczasowe)."
    ),
    "Electoral registration": "Rejestracja wyborców",
    "Register to vote or change the details on the electoral register.": (
        "Zarejestruj się jako wyborca lub zmień swoje dane w rejestrze wyborców."
    ),
    "Homelessness advice": "Pomoc w razie bezdomności",
    "Get help if you are homeless or may become homeless.": (
        "Uzyskaj pomoc, jeśli jesteś bezdomny(-a) lub grozi ci utrata mieszkania."
    ),
    "Planning applications and decisions": "Wnioski i decyzje planistyczne",
    "Search planning applications and decisions, and comment on them.": (
        "Wyszukuj wnioski i decyzje planistyczne oraz je komentuj."
    ),
    "Residents' parking permit": "Zezwolenie na parkowanie dla mieszkańców",
    "Apply for a residents' or visitors' parking permit.": (
        "Złóż wniosek o zezwolenie na parkowanie dla mieszkańców lub gości."
    ),
    "Complaint": "Skarga",
    "Complain about a council service.": "Złóż skargę na usługę rady.",
    "Antisocial behaviour": "Zachowania aspołeczne",
    "Report antisocial behaviour to the neighbourhood policing team.": (
        "Zgłoś zachowania aspołeczne dzielnicowemu zespołowi policji."
    ),
    "Registering with a GP": "Rejestracja u lekarza rodzinnego (GP)",
    "How to register with a GP practice.": "Jak zarejestrować się w przychodni lekarza rodzinnego.",
    "Local support groups": "Lokalne grupy wsparcia",
    "Find local support groups and community activities.": (
        "Znajdź lokalne grupy wsparcia i zajęcia dla społeczności."
    ),
    "Housing association repair": "Naprawa w mieszkaniu stowarzyszenia mieszkaniowego",
    "Report a repair in an Egdon Homes property.": "Zgłoś naprawę w mieszkaniu Egdon Homes.",
    "Sheltered and supported housing": "Mieszkania chronione i wspierane",
    "Apply for a sheltered or supported housing flat.": (
        "Złóż wniosek o mieszkanie chronione lub wspierane."
    ),
    "Taxi and private hire licence": "Licencja taksówki i przewozu na zamówienie",
    "Apply for or renew a taxi or private hire driver, vehicle or operator licence.": (
        "Złóż wniosek o licencję kierowcy, pojazdu lub przewoźnika taksówek albo przewozu na "
        "zamówienie lub ją odnów."
    ),
    "Street trading consent": "Zgoda na handel uliczny",
    "Apply for consent to sell from a stall, van or pitch in the street.": (
        "Złóż wniosek o zgodę na sprzedaż ze straganu, samochodu lub stanowiska na ulicy."
    ),
    "Car boot sale notice": "Zgłoszenie giełdy z bagażnika (car boot sale)",
    "Tell us about a car boot sale at least 28 days before it is held.": (
        "Zgłoś giełdę z bagażnika co najmniej 28 dni przed jej terminem."
    ),
    "Animal activity licence": "Licencja na działalność ze zwierzętami",
    "Apply for a licence to sell pets, board or breed dogs, hire out horses or show animals.": (
        "Złóż wniosek o licencję na sprzedaż zwierząt, hotel lub hodowlę psów, wynajem koni "
        "lub pokazy zwierząt."
    ),
    "Premises licence": "Licencja dla lokalu",
    "Apply for or change a licence to sell alcohol, put on entertainment or serve hot food "
    "late at night.": (
        "Złóż wniosek o licencję (lub jej zmianę) na sprzedaż alkoholu, rozrywkę lub podawanie "
        "ciepłych posiłków późnym wieczorem."
    ),
    # Eligibility questions
    "Does the person the badge is for live in Wessex?": (
        "Czy osoba, dla której jest karta, mieszka w Wessex?"
    ),
    "Apply to the council where they live: GOV.UK's Blue Badge service finds it.": (
        "Złóż wniosek w radzie, na której terenie ta osoba mieszka: znajdzie ją usługa Blue "
        "Badge na GOV.UK."
    ),
    "Does the applicant live in Wessex?": "Czy wnioskodawca mieszka w Wessex?",
    "Is the applicant of State Pension age, or disabled?": (
        "Czy wnioskodawca jest w wieku emerytalnym lub ma niepełnosprawność?"
    ),
    "Does anyone else aged 18 or over live at the address?": (
        "Czy pod tym adresem mieszka ktoś jeszcze w wieku 18 lat lub więcej?"
    ),
    # Common choices
    "Yes": "Tak",
    "No": "Nie",
    # Pothole
    "How deep is the pothole?": "Jak głęboka jest dziura?",
    "Less than 5cm": "Mniej niż 5 cm",
    "5cm to 10cm": "Od 5 do 10 cm",
    "More than 10cm": "Ponad 10 cm",
    "Is there anything else we should know?": "Czy jest coś jeszcze, o czym powinniśmy wiedzieć?",
    "Damaged kerb": "Uszkodzony krawężnik",
    "Standing water": "Stojąca woda",
    "In a cycle lane": "Na ścieżce rowerowej",
    "Near a school": "W pobliżu szkoły",
    "About how wide is it (cm)?": "Jaka jest mniej więcej szerokość (w cm)?",
    # Street light
    "What is the number on the lamp post?": "Jaki numer jest na słupie latarni?",
    "What is wrong with the light?": "Co jest nie tak z latarnią?",
    "Not working": "Nie świeci",
    "On during the day": "Świeci w dzień",
    "Flickering": "Migocze",
    "Column damaged": "Uszkodzony słup",
    "Exposed wires": "Odsłonięte przewody",
    # Pavement, flooding
    "What is the problem?": "Na czym polega problem?",
    "Cracked": "Pęknięty",
    "Uneven or sunken": "Nierówny lub zapadnięty",
    "Raised slab": "Wystająca płyta",
    "Lifted by tree roots": "Podniesiony przez korzenie drzew",
    "How bad is it?": "Jak poważna jest sytuacja?",
    "Large puddle": "Duża kałuża",
    "Ankle deep": "Woda do kostek",
    "Road impassable": "Droga nieprzejezdna",
    "Is water getting into a property?": "Czy woda dostaje się do budynku?",
    # Bins
    "Which bin was missed?": "Który pojemnik nie został opróżniony?",
    "General rubbish": "Odpady zmieszane",
    "Recycling": "Recykling",
    "Garden waste": "Odpady zielone",
    "Food waste": "Odpady spożywcze",
    "When should it have been collected?": "Kiedy powinien był zostać opróżniony?",
    "What needs collecting?": "Co trzeba odebrać?",
    "Sofa": "Sofa",
    "Mattress": "Materac",
    "Fridge or freezer": "Lodówka lub zamrażarka",
    "Washing machine": "Pralka",
    "Wardrobe": "Szafa",
    "Table and chairs": "Stół i krzesła",
    "How many items in total?": "Ile przedmiotów łącznie?",
    "How many bins?": "Ile pojemników?",
    # Fly-tipping
    "What has been dumped?": "Co zostało porzucone?",
    "Household rubbish": "Śmieci domowe",
    "Builders' rubble": "Gruz budowlany",
    "Tyres": "Opony",
    "Furniture": "Meble",
    "Fridges or washing machines": "Lodówki lub pralki",
    "Asbestos": "Azbest",
    "Chemicals or drums": "Chemikalia lub beczki",
    "How much is there?": "Ile tego jest?",
    "A single item": "Jedna rzecz",
    "A car boot load": "Tyle, ile mieści bagażnik samochodu",
    "A van load": "Tyle, ile mieści furgonetka",
    "A lorry load or more": "Ciężarówka lub więcej",
    "Did you see who dumped it?": "Czy widział(a) Pan/Pani, kto to porzucił?",
    # Graffiti, dog fouling, street cleaning
    "Is it offensive or racist?": "Czy jest obraźliwe lub rasistowskie?",
    "What is it on?": "Na czym się znajduje?",
    "How often does it happen?": "Jak często się to zdarza?",
    "Just this once": "Tylko ten raz",
    "Regularly": "Regularnie",
    "What needs cleaning?": "Co trzeba posprzątać?",
    "Litter": "Śmieci",
    "Broken glass": "Potłuczone szkło",
    "Leaves": "Liście",
    "Overflowing litter bin": "Przepełniony kosz na śmieci",
    # Abandoned vehicle
    "Registration number": "Numer rejestracyjny",
    "Make and model": "Marka i model",
    "Colour": "Kolor",
    "About how many days has it been there?": "Od ilu mniej więcej dni tam stoi?",
    # Noise
    "What kind of noise?": "Jaki to hałas?",
    "Loud music": "Głośna muzyka",
    "Dog barking": "Szczekanie psa",
    "Alarm": "Alarm",
    "Building work": "Prace budowlane",
    "Machinery": "Maszyny",
    "Shouting or parties": "Krzyki lub imprezy",
    "When did it last happen?": "Kiedy zdarzyło się to ostatnio?",
    "How many times a week?": "Ile razy w tygodniu?",
    "Anything else?": "Coś jeszcze?",
    # Blue Badge, bus pass
    "Why does the applicant need a badge?": "Dlaczego wnioskodawca potrzebuje karty?",
    "Receives PIP mobility (higher rate)": "Otrzymuje PIP na mobilność (wyższa stawka)",
    "Registered blind": "Zarejestrowana osoba niewidoma",
    "Difficulty walking": "Trudności z chodzeniem",
    "Child under 3 with medical equipment": "Dziecko poniżej 3 lat ze sprzętem medycznym",
    "Non-visible (hidden) disability": "Niewidoczna (ukryta) niepełnosprawność",
    "Is this a renewal?": "Czy to odnowienie?",
    "Anything else to tell us?": "Czy chce nam Pan/Pani powiedzieć coś jeszcze?",
    "Which pass?": "Jaki bilet?",
    "Older person's": "Dla seniora",
    "Disabled person's": "Dla osoby z niepełnosprawnością",
    "Disabled person's with companion": "Dla osoby z niepełnosprawnością z opiekunem",
    "Has a photo been sent?": "Czy zdjęcie zostało wysłane?",
    # Life events
    "Tell us about a death": "Zgłoś zgon",
    "Tell the councils and other public services about a death once. We pass it on to "
    "Council Tax, benefits, the electoral register, Blue Badges, bus passes, libraries, "
    "parking and the police's firearms licensing.": (
        "Zgłoś zgon radom i innym służbom publicznym tylko raz. Przekażemy informację do działów "
        "podatku lokalnego, zasiłków, rejestru wyborców, Blue Badge, biletów autobusowych, "
        "bibliotek, parkowania oraz do policyjnego działu pozwoleń na broń."
    ),
    "Tell us you have moved in": "Zgłoś przeprowadzkę",
    "Moved into the area? Tell us once to set up Council Tax, bins and the electoral "
    "register, and get school and GP information.": (
        "Przeprowadził(a) się Pan/Pani do naszej okolicy? Zgłoś to raz, a założymy konto "
        "podatku lokalnego, załatwimy pojemniki na odpady i rejestr wyborców oraz prześlemy "
        "informacje o szkołach i lekarzach rodzinnych."
    ),
    "Full name of the person who died": "Imię i nazwisko osoby zmarłej",
    "Date of death": "Data zgonu",
    "Their date of birth, if you know it": "Data urodzenia tej osoby, jeśli ją znasz",
    "When did you move in?": "Kiedy się Pan/Pani wprowadził(a)?",
    "Your previous postcode": "Poprzedni kod pocztowy",
    "How many adults live at the address?": "Ile osób dorosłych mieszka pod tym adresem?",
    "How many children need a school place?": "Ile dzieci potrzebuje miejsca w szkole?",
    "Blue Badge number, if you know it": "Numer Blue Badge, jeśli jest znany",
    "Certificate number, if you know it": "Numer pozwolenia, jeśli jest znany",
    "Council Tax after a death": "Podatek lokalny po zgonie",
    "The Council Tax account is closed or changed and a final bill sent.": (
        "Konto podatku lokalnego zostanie zamknięte lub zmienione i wyślemy rachunek końcowy."
    ),
    "Housing Benefit and Council Tax Reduction after a death": (
        "Dodatek mieszkaniowy i obniżka podatku lokalnego po zgonie"
    ),
    "Any Housing Benefit or Council Tax Reduction is stopped without overpayment.": (
        "Dodatek mieszkaniowy i obniżka podatku lokalnego zostaną wstrzymane bez nadpłaty."
    ),
    "Electoral register after a death": "Rejestr wyborców po zgonie",
    "The person is taken off the electoral register.": (
        "Osoba zostanie usunięta z rejestru wyborców."
    ),
    "Blue Badge after a death": "Blue Badge po zgonie",
    "The Blue Badge is cancelled; we tell you how to return it.": (
        "Blue Badge zostanie unieważniony; powiemy, jak go zwrócić."
    ),
    "Bus pass after a death": "Bilet autobusowy po zgonie",
    "The bus pass is cancelled.": "Bilet autobusowy zostanie unieważniony.",
    "Library membership after a death": "Karta biblioteczna po zgonie",
    "The library card is closed and any charges are cancelled.": (
        "Karta biblioteczna zostanie zamknięta, a ewentualne opłaty anulowane."
    ),
    "Parking permit after a death": "Zezwolenie na parkowanie po zgonie",
    "The residents' parking permit is cancelled and any refund paid to the estate.": (
        "Zezwolenie na parkowanie zostanie unieważnione, a ewentualny zwrot trafi do masy "
        "spadkowej."
    ),
    "Firearms or shotgun certificate after a death": "Pozwolenie na broń po zgonie",
    "Firearms licensing makes sure any guns are stored safely or handed in.": (
        "Dział pozwoleń na broń dopilnuje, by broń była bezpiecznie przechowywana lub oddana."
    ),
    "Council Tax for a new home": "Podatek lokalny w nowym domu",
    "A Council Tax account is opened from the day you moved in.": (
        "Konto podatku lokalnego zostanie założone od dnia przeprowadzki."
    ),
    "Bins for a new home": "Pojemniki na odpady w nowym domu",
    "Missing bins are delivered and you get your collection days.": (
        "Brakujące pojemniki zostaną dostarczone i poznasz dni odbioru odpadów."
    ),
    "Electoral register for a new home": "Rejestr wyborców w nowym domu",
    "A voter registration form is sent for everyone at the address.": (
        "Wyślemy formularz rejestracji wyborców dla wszystkich pod tym adresem."
    ),
    "School places after moving in": "Miejsca w szkole po przeprowadzce",
    "The admissions team sends in-year school place information.": (
        "Dział rekrutacji prześle informacje o miejscach w szkołach w trakcie roku."
    ),
    "GP registration information after moving in": (
        "Informacje o rejestracji u lekarza rodzinnego po przeprowadzce"
    ),
    "The NHS trust sends the list of GP practices taking patients near you.": (
        "NHS prześle listę przychodni w pobliżu, które przyjmują pacjentów."
    ),
}


def _objects():
    yield from Service.objects.all()
    yield from ServiceAttribute.objects.all()
    yield from EligibilityQuestion.objects.all()
    yield from LifeEvent.objects.all()
    yield from LifeEventService.objects.all()


def create_translations(language: str = "pl", table: dict[str, str] | None = None) -> int:
    """A translation for every translatable field of the catalogue whose English the table
    has; returns how many were saved."""
    table = POLISH if table is None else table
    saved = 0
    for obj in _objects():
        for field in TRANSLATABLE.get(obj._meta.label_lower, ()):
            if field == "values":
                for value in obj.values or []:
                    polish = table.get(str(value.get("name", "")))
                    if polish:
                        set_translation(obj, f"values.{value['key']}", language, polish)
                        saved += 1
                continue
            polish = table.get(str(getattr(obj, field, "") or ""))
            if polish:
                set_translation(obj, field, language, polish)
                saved += 1
    return saved
