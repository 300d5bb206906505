"""Write the PII evaluation set: tests/fixtures/pii/testset.jsonl (deterministic).

Each line: {"text": ..., "spans": [{"start", "end", "type"}]}. Sentences with planted personal
data of every type in varied forms and contexts, and ordinary consultation sentences full of
look-alikes (street names without a house number, places, bus routes, prices, times, roads,
option numbers) that must stay untouched. All names, numbers and addresses are invented;
phone numbers use Ofcom's drama ranges, NHS numbers have valid check digits.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "pii" / "testset.jsonl"
FIRST = [
    "Margaret",
    "David",
    "Aisha",
    "Tomasz",
    "Priya",
    "Olumide",
    "Siobhan",
    "Wei",
    "Fatima",
    "Gareth",
    "Eleanor",
    "Mohammed",
    "Agnieszka",
    "Liam",
    "Chloe",
    "Rajesh",
    "Bethan",
    "Kwame",
    "Sophie",
    "Hamza",
    "Niamh",
    "George",
    "Yusuf",
    "Hannah",
    "Oliver",
    "Zainab",
    "Callum",
    "Isla",
    "Ahmed",
    "Rebecca",
    "Jakub",
    "Grace",
    "Daniel",
    "Amara",
    "Rhys",
    "Leah",
    "Samuel",
    "Mei",
    "Patrick",
    "Joanna",
]
LAST = [
    "Thornton",
    "Okafor",
    "Patel",
    "Kowalski",
    "Nair",
    "Adeyemi",
    "O'Brien",
    "Chen",
    "Hussain",
    "Price",
    "Hughes",
    "Rahman",
    "Nowak",
    "Murphy",
    "Evans",
    "Sharma",
    "Morgan",
    "Mensah",
    "Taylor",
    "Khan",
    "Gallagher",
    "Wright",
    "Ali",
    "Cooper",
    "Bennett",
    "Begum",
    "Fraser",
    "Campbell",
    "Ahmed",
    "Davies",
    "Zielinski",
    "Brown",
    "Walker",
    "Eze",
    "Jenkins",
    "Clarke",
    "Wood",
    "Wong",
    "Doyle",
    "Lewis",
]
STREETS = [
    "Fore Street",
    "Mill Lane",
    "Church Road",
    "Victoria Terrace",
    "Harbour Way",
    "Albert Road",
    "Station Road",
    "Park Avenue",
    "Chapel Close",
    "Queens Drive",
    "Kings Crescent",
    "Orchard Grove",
    "Market Place",
]
POSTCODES = [
    "SW1A 1AA",
    "M1 1AE",
    "B33 8TH",
    "CR2 6XH",
    "DN55 1PT",
    "EC1A 1BB",
    "W1A 0AX",
    "HB1 4QT",
    "LS6 2EJ",
    "G2 3QP",
    "CF10 1EP",
    "BT1 5GS",
    "EH3 9DR",
    "PL4 8AA",
    "NR2 1TF",
]
DOMAINS = ["example.co.uk", "example.com", "example.org", "mail.example.net", "council.example.gov.uk"]
NI_PREFIXES = ["AB", "CE", "JG", "KA", "PX", "SR", "WL", "YZ", "HT", "EB"]


def nhs_number(rng: random.Random) -> str:
    while True:
        digits = [rng.randint(0, 9) for _ in range(9)]
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        check = 0 if check == 11 else check
        if check != 10:
            raw = "".join(map(str, digits)) + str(check)
            return rng.choice([f"{raw[:3]} {raw[3:6]} {raw[6:]}", raw, f"{raw[:3]}-{raw[3:6]}-{raw[6:]}"])


def phone(rng: random.Random) -> str:
    n = rng.randint(0, 999)
    return rng.choice(
        [
            f"07700 900{n:03d}",
            f"07700900{n:03d}",
            f"+44 7700 900{n:03d}",
            f"01632 960{n:03d}",
            f"01632 960 {n:03d}",
            f"020 7946 0{n:03d}",
            f"+44 20 7946 0{n:03d}",
            f"0113 496 0{n:03d}",
            f"+1 212 555 0{n:03d}",
        ]
    )


def email(rng: random.Random, first: str, last: str) -> str:
    local = rng.choice([f"{first}.{last}", f"{first[0]}{last}", f"{first}{rng.randint(1, 99)}", f"{last}.{first[0]}"])
    return f"{local.lower().replace(chr(39), '')}@{rng.choice(DOMAINS)}"


def ni(rng: random.Random) -> str:
    d = f"{rng.randint(0, 999999):06d}"
    suffix = rng.choice("ABCD")
    return rng.choice(
        [f"{rng.choice(NI_PREFIXES)} {d[:2]} {d[2:4]} {d[4:]} {suffix}", f"{rng.choice(NI_PREFIXES)}{d}{suffix}"]
    )


TEMPLATES = [
    "My name is {PERSON} and I live in the Old Town ward.",
    "Please contact me on {PHONE_NUMBER} about the bus timetable.",
    "You can email me at {EMAIL_ADDRESS} if you need more details.",
    "I live at {STREET_ADDRESS}, {UK_POSTCODE} and the pavement outside is broken.",
    "My neighbour {PERSON} fell outside {STREET_ADDRESS} last winter.",
    "Regards, {PERSON}",
    "Ring {PERSON} on {PHONE_NUMBER} for the residents' association.",
    "Our postcode is {UK_POSTCODE}, and we have no bus at all on Sundays.",
    "My NHS number is {UK_NHS} in case you need to check my mobility assessment.",
    "National Insurance number {UK_NINO}, I am a carer and rely on the buses.",
    "More detail on our website {URL} about the campaign.",
    "I submitted this from {IP_ADDRESS} because the form kept failing.",
    "{PERSON} here, I run the bakery on the corner and parking costs too much.",
    "I spoke to {PERSON} at the drop-in session and she agreed the crossing is dangerous.",
    "Write to me at {STREET_ADDRESS}, {UK_POSTCODE} or call {PHONE_NUMBER}.",
    "Thanks, {PERSON}",
    "Contact {EMAIL_ADDRESS} or {PHONE_NUMBER}, we are the Friends of the Park.",
    "Dr {PERSON} at the surgery says the air near the school is bad for my son.",
    "Mrs {PERSON} from number 12 has complained for years about speeding.",
    "I'm {PERSON}, a wheelchair user, and the kerbs are impossible.",
    "See the photos at {URL} showing cars parked on the pavement.",
    "Sent from {EMAIL_ADDRESS}",
    "My daughter {PERSON} cycles to school and was nearly hit twice.",
    "Please reply to {PERSON} at {EMAIL_ADDRESS}.",
    "Patient {PERSON}, NHS number {UK_NHS}, cannot reach the hospital by bus.",
    "NI {UK_NINO}. I work nights and there is no bus home.",
    "Postcode {UK_POSTCODE}. Commuters park in our street all day.",
    "Call me on {PHONE_NUMBER} any time after six.",
    "Yours sincerely, {PERSON}",
    "{PERSON} and I both signed the petition for a zebra crossing.",
]

ORDINARY = [
    "Bridge Street is always full of delivery vans in the morning.",
    "The number 42 bus to Westgate never runs on time.",
    "A 20 mph limit on Hill Street would make the school run safer.",
    "Parking went up to £4.80 for two hours in April 2025.",
    "The 7.15pm train from the station has no connecting bus.",
    "Option 3 would close 64 spaces in the Market Square car park.",
    "Harbour Primary and St Mary's both need a school street.",
    "The A38 junction backs up every summer weekend.",
    "Around 30% of shops on Fore Street are empty now.",
    "Route 7 should run every 15 minutes until 11pm.",
    "The consultation closes on 20 March 2026 at midnight.",
    "Cabinet approved £3.2m for the Station Road cycle lane.",
    "Chapel Lane floods at the crossing every time it rains.",
    "Victoria Terrace and Albert Road need residents' permits.",
    "The M5 is quicker than the coast road to Exeter.",
    "I have lived in Eastcliff for 43 years.",
    "The B3212 through the village has no pavement at all.",
    "There are 2 benches left on the whole of Market Place.",
    "Bus fares rose from £2 to £2.50 last year.",
    "The library is open from 9am to 5pm on weekdays.",
    "Section 4.2 of the plan talks about the ring road.",
    "Queens Drive has three speed humps and drivers still race.",
    "The 8.45 school run is chaos outside the church.",
    "Kings Crescent needs a dropped kerb at the corner.",
    "Park and ride from the showground would take 500 cars off the road.",
    "The Northfield path ends at the ring road with no crossing.",
    "Mill Lane is too narrow for two buses to pass.",
    "Please keep the Tuesday and Saturday markets.",
    "The toilets by the bus station closed in 2024.",
    "Orchard Grove residents want a 20mph zone.",
    "Only 1 in 10 people I know cycle to work.",
    "Church Road has potholes 10cm deep.",
    "Station Road needs a segregated lane, not paint.",
    "The council spent £310,000 on the tariff review.",
    "Phase 2 of the plan starts in 2027.",
    "Junction 31 of the M5 is the worst at 5pm.",
    "Pay and display machines take cards but not cash.",
    "It costs 60p more than last year to park for an hour.",
    "The Co-op on Park Avenue has the only cash machine.",
    "Harbour Way floods at high tide twice a year.",
]
FILLERS = ["", "Honestly, ", "For what it's worth, ", "As I said at the meeting, ", "To be clear, "]


def main() -> None:
    rng = random.Random(20261121)
    records = []
    for i in range(360):
        template = TEMPLATES[i % len(TEMPLATES)]
        text, spans = rng.choice(FILLERS) if not template.startswith(("Regards", "Thanks", "Yours", "Sent")) else "", []
        first, last = rng.choice(FIRST), rng.choice(LAST)
        values = {
            "PERSON": rng.choice([f"{first} {last}", f"{first} {last}", first]) if "{PERSON}" in template else "",
            "PHONE_NUMBER": phone(rng),
            "EMAIL_ADDRESS": email(rng, first, last),
            "STREET_ADDRESS": rng.choice(["", "", "Flat 2, "]) + f"{rng.randint(1, 240)} {rng.choice(STREETS)}",
            "UK_POSTCODE": rng.choice(POSTCODES),
            "UK_NHS": nhs_number(rng),
            "UK_NINO": ni(rng),
            "URL": rng.choice(
                ["https://www.example.org/harbourside", "www.example.com/petition", "http://example.net/p?id=42"]
            ),
            "IP_ADDRESS": rng.choice(["192.168.0.12", "10.20.30.40", "172.16.5.4", "203.0.113.77"]),
        }
        if template.startswith(("Dr ", "Mrs ")) or "{PERSON} here" in template:
            values["PERSON"] = last if template.startswith(("Dr ", "Mrs ")) else first + " " + last
        rest = template if not text or template.startswith("{") else template[0].lower() + template[1:]
        while "{" in rest:
            before, _, after = rest.partition("{")
            kind, _, rest = after.partition("}")
            text += before
            spans.append({"start": len(text), "end": len(text) + len(values[kind]), "type": kind})
            text += values[kind]
        text += rest
        if text and text[0].islower():
            text = text[0].upper() + text[1:]
        records.append({"text": text, "spans": spans})
    records += [{"text": t, "spans": []} for t in ORDINARY for _ in range(1)]
    records += [{"text": rng.choice(FILLERS[1:]) + t[0].lower() + t[1:], "spans": []} for t in ORDINARY]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    kinds = sorted({s["type"] for r in records for s in r["spans"]})
    print(f"{len(records)} sentences, {sum(len(r['spans']) for r in records)} planted spans of {kinds} -> {OUT}")


if __name__ == "__main__":
    main()
