"""Hand-written text of the bundled sample consultation (fictional; any likeness is chance).

Each planted theme has its own pool of problem statements (answers to Q2) and suggestions
(answers to Q4), written one by one in different voices. ``make_sample.py`` combines them.
"""

THEMES: dict[str, dict[str, list[str]]] = {
    "parking_charges": {
        "problem": [
            "Parking charges went up again last April and now it costs me £4.80 just to pop to the bank.",
            "The price of parking is killing the high street, people just drive to the retail park where it's free.",
            "I run a small shop on Fore Street and my customers tell me every week the car park is too expensive.",
            "Two pounds for an hour in the Quayside car park is daylight robbery.",
            "Expensive parking means older people like my mum stop coming into town at all.",
            "Why would anyone pay to park in Harbourside when Westgate retail park is free and has all the same shops?",
            "Half the shops on Bridge Street are empty and the parking charges are a big part of the reason.",
            "The pay machines only take the app now and the charges keep creeping up.",
            "We used to have an hour free parking and footfall was much better then.",
            "As a market trader I see fewer customers every year since the charges rose.",
            "Its too expensive to park, simple as that.",
            "Parking fees are far higher than in neighbouring towns of the same size.",
            "Charging for short stays puts people off doing a quick errand in town.",
            "The evening tariff means going out for a meal now costs an extra six pound.",
        ],
        "suggestion": [
            "Bring back the first hour free so people can nip in and support local businesses.",
            "Freeze parking charges for at least three years while the high street recovers.",
            "Lower the short-stay tariff in the Quayside and Bridge Street car parks.",
            "Offer free parking after 3pm to bring people into town in the evening.",
            "Make parking cheaper, it is the single thing that would help shops most.",
            "Introduce a free 30 minute stay for quick errands.",
            "Please cut the parking charges or the town centre will die.",
            "A cheaper season ticket for people who work in town shops would help staff too.",
            "Reduce car park prices to match Westgate so we can compete.",
            "Keep the car parks affordable, don't use them as a cash cow.",
            "Scrap the evening charges so restaurants can survive.",
            "Free Saturday parking in December would bring shoppers back.",
        ],
    },
    "cycle_lanes": {
        "problem": [
            "Cycling along Station Road is terrifying, buses pass inches from your elbow.",
            "There are no proper cycle lanes anywhere in the town centre, just painted lines that vanish.",
            "My kids would cycle to school if it was safe, but it isn't.",
            "The painted bike lane on Harbour Way is always full of parked vans.",
            "I was knocked off my bike at the Station Road roundabout last year.",
            "Cyclists are forced onto the pavement because the roads feel so dangerous.",
            "The cycle route from Northfield stops dead at the ring road with no safe crossing.",
            "Nowhere safe to lock a bike near the shops either.",
            "Riding a bike here means mixing with lorries on a narrow road, it puts most people off.",
            "The existing cycle path is broken up, badly lit and covered in glass.",
            "I'd love to cycle to work but the route along the ring road is a death trap.",
            "Traffic is so heavy that even confident cyclists avoid the centre.",
        ],
        "suggestion": [
            "Build a proper segregated cycle lane along Station Road from the station to the harbour.",
            "Physically protected bike lanes, not paint, on the main routes into town.",
            "Connect the Northfield cycle path to the town centre with a safe crossing of the ring road.",
            "More secure bike parking and cycle hangars near the shops and station.",
            "Kerb-separated cycle tracks would get my whole family cycling.",
            "Put in a continuous cycle network so routes don't just end.",
            "Use wands or kerbs to protect the bike lane on Harbour Way from parked vans.",
            "Invest in safe cycling infrastructure, it's cheap compared to roads.",
            "A protected cycleway linking the station, the college and the seafront please.",
            "Safe cycle routes for children to get to school.",
            "Give cyclists their own space on Station Road, separated from the buses.",
            "Covered cycle parking at the railway station.",
        ],
    },
    "buses": {
        "problem": [
            "The last bus back to Eastcliff leaves at 6.40pm, so I can't use it after work.",
            "The number 7 is late more often than it's on time.",
            "There is no bus at all on Sundays from the villages into town.",
            "Buses only run every hour from Northfield which makes them useless for most trips.",
            "I don't drive and the bus service has been cut back so much I struggle to get to appointments.",
            "You wait forty minutes in the rain and then two buses come together.",
            "Evening buses were withdrawn two years ago and now young people can't get home from work.",
            "Bus fares have gone up while the service got worse.",
            "The bus station has no real-time information so you never know if a bus is coming.",
            "Buses get stuck in the same traffic as everyone else on the ring road.",
            "As a pensioner my bus pass is no use if there are no buses.",
            "Bus timetables don't connect with the trains at all.",
        ],
        "suggestion": [
            "Run buses every 15 minutes on the main routes into town.",
            "Restore the evening bus services so people can get home after 7pm.",
            "Bring back a Sunday bus service to the villages.",
            "Bus lanes on the ring road so buses aren't stuck in traffic.",
            "Put real-time arrival screens at the bus station and main stops.",
            "More reliable buses, timed to meet the trains at the station.",
            "Fund more frequent buses before you make driving harder.",
            "A cheap flat fare for journeys within the town.",
            "Improve the bus service so people have a real alternative to the car.",
            "Later buses from town to Eastcliff and Northfield, at least until 11pm.",
            "Subsidise the rural bus routes that have been cut.",
            "Better buses, please. More of them, more often.",
        ],
    },
    "pavements_access": {
        "problem": [
            "The pavements on Fore Street are cracked and uneven and I have fallen twice.",
            "As a wheelchair user I can't get along Bridge Street because there are no dropped kerbs.",
            "Pushing a buggy through the town centre is an obstacle course of A-boards and bins.",
            "My husband uses a mobility scooter and the pavements near the market are too narrow for him.",
            "Cobbles in the old town are lovely but impossible with a walking frame.",
            "Tree roots have lifted the paving slabs outside the library.",
            "Cars park on the pavement all the time so people with prams have to walk in the road.",
            "The crossing by the post office has no tactile paving for blind people.",
            "Puddles collect at every crossing because the kerbs have sunk.",
            "Street clutter makes it very hard for my partially sighted father to get around.",
            "Pavement parking is a real danger for anyone with a disability.",
            "The footpaths are in a shocking state of repair.",
        ],
        "suggestion": [
            "Repair the broken pavements before spending money on anything else.",
            "Put in dropped kerbs and tactile paving at every crossing in the centre.",
            "Widen the footways on Bridge Street and Fore Street.",
            "Remove street clutter like A-boards so wheelchair users can get through.",
            "Ban pavement parking in the town centre and enforce it.",
            "Make the town centre properly accessible for disabled people, with level surfaces.",
            "Smooth paths through the old town alongside the cobbles.",
            "Fix the trip hazards outside the library and the post office.",
            "An access audit of every street with disabled residents involved.",
            "Accessible routes from the car parks to the shops.",
            "Resurface the footpaths, some are dangerous.",
            "Level, wide pavements that work for prams, scooters and wheelchairs.",
        ],
    },
    "residents_permits": {
        "problem": [
            "Commuters park all day in our street and residents can never find a space.",
            "Since the station car park charges went up, Albert Road is full of rail users' cars from 7am.",
            "I can't park outside my own house because of shoppers avoiding the car park fees.",
            "Our road has become an unofficial free car park for the whole town.",
            "Carers visiting my mother can never park anywhere near her house.",
            "People leave cars on Victoria Terrace for days at a time.",
            "Residents in the streets around the station are fed up with commuter parking.",
            "Every morning there's a scramble for spaces and our driveways get blocked.",
            "Displacement parking from the town centre has made our street unbearable.",
            "Not one space free on Clifton Road after 8 in the morning.",
        ],
        "suggestion": [
            "Introduce a residents' parking permit scheme in the streets around the station.",
            "Residents only parking zones on Albert Road, Victoria Terrace and Clifton Road.",
            "A permit scheme with visitor permits for carers and family.",
            "Controlled parking zones so commuters can't use residential streets as a car park.",
            "Permit parking for residents, at a reasonable annual price.",
            "Stop all-day commuter parking in residential roads with permit bays.",
            "Consult residents street by street about a permit zone.",
            "Bring in resident permit parking before any changes to the car parks.",
            "Two-hour limits for non-residents on our streets.",
            "A residents' parking zone is the only fix for displacement parking.",
        ],
    },
    "school_streets": {
        "problem": [
            "The school run outside St Mary's is chaos, cars mounting the kerb and engines idling.",
            "Air pollution at the school gates on Chapel Lane is a real worry for my asthmatic son.",
            "Parents park on the zig-zags outside Harbour Primary every single day.",
            "Children breathe in fumes from idling cars while they wait to go in.",
            "It is only a matter of time before a child gets hurt at drop-off time.",
            "Traffic outside the school at 8.45 is so bad the children can't cross safely.",
            "The air quality near Harbour Primary is terrible at pick-up.",
            "Too many parents drive children 400 metres to school because walking feels unsafe.",
            "Idling engines outside the nursery, all winter, with the heaters running.",
            "Drivers speed through the school zone to beat the queue.",
        ],
        "suggestion": [
            "Close the roads outside schools to traffic at drop-off and pick-up times, a school street.",
            "A school streets scheme for St Mary's and Harbour Primary.",
            "Ban idling outside schools and actually enforce it.",
            "Timed closures of Chapel Lane at the start and end of the school day.",
            "Monitor air quality at the school gates and act on it.",
            "Make the streets around schools car free at school times.",
            "Safe walking routes to school with crossing patrols.",
            "Clean air zones around schools to protect children's lungs.",
            "Planters and bollards to stop parking outside the school gates.",
            "Pilot a school street at one primary and see how it goes.",
        ],
    },
    "park_and_ride": {
        "problem": [
            "Visitors all try to drive into the centre because there is nowhere to leave the car outside town.",
            "In summer the tourist traffic queues back to the A38 junction.",
            "The town centre car parks fill up by 10am on a summer Saturday.",
            "Day trippers circle round looking for spaces and clog up the whole town.",
            "Traffic from the Westgate direction backs up every weekend.",
            "There's nowhere for coach parties or visitors to park outside the centre.",
            "Congestion on the harbour approach road is worst when the tourists arrive.",
            "Holiday traffic makes the town grind to a halt for three months of the year.",
        ],
        "suggestion": [
            "Build a park and ride at the A38 junction with a shuttle bus into the centre.",
            "A park and ride site on the edge of town for visitors and commuters.",
            "Use the showground field as a summer park and ride.",
            "Park and ride from Westgate with a frequent bus would take cars out of the centre.",
            "Why not a seasonal park and ride like other seaside towns have?",
            "Intercept visitor traffic at the edge of town with a park-and-ride.",
            "Park and ride plus a cheap shuttle, it works in Exeter and Truro.",
            "Edge of town parking with buses in would solve the summer queues.",
        ],
    },
    "speeding_20mph": {
        "problem": [
            "Cars race down Hill Street far faster than the 30 limit.",
            "Speeding traffic on the ring road makes it frightening to cross.",
            "Boy racers use the seafront as a drag strip on summer nights.",
            "Nobody sticks to the speed limit along Northfield Road.",
            "Vehicles come round the corner by the church far too fast.",
            "The speed of traffic through the residential streets is dangerous.",
            "I've seen near misses with children because drivers are going too quickly.",
            "Delivery vans speed through the back streets to avoid the lights.",
            "Speeding is the biggest problem on our road, nothing is ever done about it.",
        ],
        "suggestion": [
            "A 20mph limit across the whole town centre and residential streets.",
            "Speed cameras on Hill Street and Northfield Road.",
            "Traffic calming like speed humps or chicanes where drivers speed.",
            "Make all residential roads 20 mph like they have in Wales.",
            "Average speed cameras along the seafront to stop the racing.",
            "Police enforcement of the speed limit, not just signs.",
            "Narrow the road at the church corner to slow drivers down.",
            "Lower speed limits and proper enforcement please.",
            "Speed indicator signs in the villages and on the approach roads.",
        ],
    },
    "toilets_seating": {
        "problem": [
            "The public toilets by the bus station have been closed for over a year.",
            "There is nowhere to sit down in the town centre if you are elderly.",
            "They took the benches out of the square to stop people gathering.",
            "With no public toilets, people with bowel conditions simply can't come into town.",
            "My dad can only walk a short way before he needs a rest and there are no seats.",
            "No toilets open after 5pm anywhere in the centre.",
            "The only loos are in the supermarket and they're for customers only.",
            "Families with small children need toilets and baby changing in town.",
        ],
        "suggestion": [
            "Reopen the public toilets at the bus station and the harbour.",
            "Put benches back along Fore Street every hundred metres or so.",
            "More places to sit, with backs and arm rests for older people.",
            "A Changing Places toilet in the town centre for disabled people.",
            "Join a community toilet scheme so shops let people use their loos.",
            "Seating and shade in the market square.",
            "Keep the public toilets open into the evening.",
            "Public toilets and benches matter as much as roads for an ageing town.",
        ],
    },
}

# Answers to Q5 "Any other comments?" that carry no theme, or are off topic.
OFF_TOPIC = [
    "The Christmas lights were lovely this year, well done.",
    "Why is my council tax going up again when the bins are only collected fortnightly?",
    "Can you please do something about the seagulls.",
    "The library opening hours should be longer.",
    "Please fix the leisure centre pool, it's been shut for months.",
    "I think the council does a good job on the whole.",
    "This survey is far too long.",
    "The new logo is a waste of money.",
    "Dog fouling on the seafront is disgusting.",
    "We need more affordable housing for young people, not more plans.",
    "Good luck with it all.",
    "Nothing to add.",
]

# Answers in other languages, appended after the English ones (Polish, Welsh, Portuguese).
OTHER_LANGUAGES = [
    (
        "buses",
        "Autobusy jeżdżą za rzadko, a ostatni autobus do Eastcliff odjeżdża przed siódmą wieczorem. "
        "Potrzebujemy kursów wieczornych i w niedziele.",
    ),
    (
        "pavements_access",
        "Mae'r palmentydd ar Stryd Fawr wedi torri ac mae'n anodd iawn defnyddio cadair olwyn yno. "
        "Trwsiwch y palmentydd os gwelwch yn dda.",
    ),
    (
        "parking_charges",
        "O estacionamento no centro é muito caro e as lojas pequenas estão a perder clientes. "
        "A primeira hora devia ser gratuita.",
    ),
]

SHORT_ANSWERS = [
    "Buses.",
    "Parking!!",
    "n/a",
    "Cycle lanes",
    "pavements",
    "no",
    "?",
    "More buses",
    "Cheaper parking.",
    "20mph",
    "toilets",
    "none",
    "Dont know",
    "Park and ride",
]

# Long answers written whole: several paragraphs, several themes.
LONG_ANSWERS: list[tuple[list[str], str]] = [
    (
        ["parking_charges", "toilets_seating"],
        "I have lived in Harbourside for 43 years and I have never seen the town so empty.\n\n"
        "When I was bringing up my children you could park in the Quayside for next to nothing, do "
        "your shopping, have a cup of tea and go home. Now it is £2 an hour and the machines want "
        "you to download an app. Most of my friends simply go to Westgate where it is free.\n\n"
        "The other thing is the toilets. At my age you need to know there is a toilet. The one by "
        "the bus station has been shut for a year. If you want older people in town you have to "
        "give them somewhere to go and somewhere to sit.",
    ),
    (
        ["cycle_lanes", "school_streets"],
        "I cycle with my two children (7 and 10) to Harbour Primary most days, and it is the most "
        "stressful part of my day. Station Road has no protection at all; lorries and buses squeeze "
        "past us. The painted lanes are a joke.\n\nThen outside the school itself there are parents "
        "parked on the zig-zags with their engines running. My youngest has asthma. Please give us a "
        "segregated route and close the road outside the school at drop-off time. Other councils "
        "have done this and it works.",
    ),
    (
        ["buses", "park_and_ride"],
        "The real problem is that there is no alternative to the car. The buses from Northfield run "
        "hourly and stop at 6.40pm. There is nothing on a Sunday. So of course everyone drives, and "
        "in the summer the visitors drive too, and the whole town is gridlocked from the A38 to the "
        "harbour.\n\nA park and ride at the A38 junction, with buses every ten minutes, would fix the "
        "summer traffic, and more frequent buses all year round would fix the rest. Until the buses "
        "are better, making parking harder will only punish people who have no choice.",
    ),
    (
        ["pavements_access"],
        "I am registered blind and walk with a long cane. The town centre has become harder to use "
        "every year. A-boards move every day, so I can't learn where they are. Café tables spill "
        "onto the pavement on Fore Street. Two crossings have no tactile paving at all and at the "
        "post office the kerb is so low I can't tell where the pavement ends.\n\nI would ask that "
        "you involve disabled people in an access audit before any redesign, repair the broken "
        "paving, and keep the pavements clear. This is not a nice-to-have; it decides whether I "
        "can go into town on my own.",
    ),
    (
        ["residents_permits", "parking_charges"],
        "I live on Albert Road, 300 metres from the station. Since the rail company put the station "
        "car park up to £9 a day, our road fills with commuters' cars by 7am and stays full until 6pm. "
        "My elderly neighbour's carer regularly has to park half a mile away.\n\nWe have asked for a "
        "residents' permit scheme for years. I understand the council needs income from its car parks, "
        "but raising the charges just pushes more cars into our street. Please consider residents "
        "before commuters.",
    ),
    (
        ["speeding_20mph", "school_streets"],
        "Hill Street is used as a rat run at school times and drivers regularly go 40 or more. We have "
        "had three collisions outside number 22 in two years. The children walking to St Mary's have to "
        "cross here.\n\nA 20 mph limit with cameras, and a timed closure outside the school, would make "
        "an enormous difference. Signs alone do nothing.",
    ),
    (
        ["buses", "pavements_access"],
        "Speaking as a wheelchair user who relies on the bus: the service has been cut to the point "
        "where I can't plan a day. When a bus does come, the stop on Bridge Street has no raised kerb "
        "and the ramp won't reach. Then the pavements between the stop and the shops are broken and "
        "blocked by bins.\n\nMore frequent buses, proper bus stops with raised kerbs, and pavements I "
        "can actually use. That is all I ask.",
    ),
    (
        ["cycle_lanes", "speeding_20mph"],
        "I'm a keen cyclist and I'm not scared easily, but the town centre roads feel hostile. Cars "
        "overtake too close and too fast, especially on Northfield Road where everyone does 40.\n\n"
        "Protected cycle lanes on the main roads, and a lower speed limit on the rest, would make "
        "cycling normal for ordinary people, not just lycra types like me.",
    ),
    (
        ["park_and_ride", "parking_charges"],
        "Our guest house depends on visitors. Every summer guests complain they can't find anywhere "
        "to park and that the charges are the highest on the coast. Some tell us they won't come "
        "back.\n\nA seasonal park and ride on the showground field would take the pressure off, and "
        "cheaper all-day tickets for visitors staying in town would help businesses like ours.",
    ),
    (
        ["toilets_seating", "pavements_access"],
        "My mother is 88 and still likes to do her own shopping. She can walk about 200 yards before "
        "she needs to sit down. There used to be benches all along Fore Street; now there are none. The "
        "pavement outside the library is lifted by tree roots and she tripped there last winter.\n\n"
        "Benches, working toilets and safe pavements. Small things, but they decide whether older "
        "people can use the town at all.",
    ),
]

CAMPAIGN_BASE = (
    "Dear Councillors, I am writing as a member of Friends of Harbourside Market to object to "
    "the proposal to close the Market Square car park. The car park is essential for the Tuesday "
    "and Saturday markets, for older and disabled shoppers, and for traders who need to unload. "
    "Closing it would harm the traders and the market that has been at the heart of our town for "
    "seven hundred years. Please keep the Market Square car park open."
)

CAMPAIGN_EDITS = [
    ("Dear Councillors, ", "Dear Sir or Madam, "),
    ("I am writing as a member of", "As a supporter of"),
    (" for older and disabled shoppers,", " for elderly and disabled shoppers,"),
    ("seven hundred years", "700 years"),
    (
        "Please keep the Market Square car park open.",
        "Please keep the Market Square car park open. My family has shopped there all my life.",
    ),
    ("Closing it would harm", "Closing it would badly harm"),
    (" for traders who need to unload.", " for stallholders who need to unload their vans."),
    ("to object to", "to strongly object to"),
]

# Responses with made-up personal data (all fictional; 555/07700 900xxx numbers are reserved).
PII_RESPONSES = [
    (
        "buses",
        "Please contact me on 07700 900123 about the number 7 bus, it has been late every "
        "day this month. My name is Margaret Thornton.",
    ),
    (
        "parking_charges",
        "I am the owner of Thornton's Bakery, 14 Fore Street, HB1 4QT. The parking "
        "charges are ruining us. Email me at j.thornton@example.co.uk.",
    ),
    (
        "pavements_access",
        "My neighbour Mr David Okafor fell on the broken pavement outside "
        "27 Bridge Street last month, call me on 01632 960 555 if you need a witness.",
    ),
    (
        "cycle_lanes",
        "I was hit by a van on Station Road. Contact sam.patel99@example.com, "
        "postcode HB2 7LX. We need a protected cycle lane.",
    ),
    (
        "residents_permits",
        "Commuters park outside my house at 3 Albert Road HB1 2EJ every day. Ring me, Helen Price, on +44 7700 900456.",
    ),
    (
        "toilets_seating",
        "I have Crohn's disease and need toilets in town. Write to me at "
        "Flat 2, 9 Harbour Way, HB3 1AA or priya.nair@example.org.",
    ),
]

TRANSCRIPT: list[tuple[str, str]] = [
    (
        "Cllr Janet Hughes (Chair)",
        "Good evening everyone and welcome to this public meeting on the draft town centre transport plan. I'm Janet Hughes, chair of the place scrutiny committee.",
    ),
    (
        "Cllr Janet Hughes (Chair)",
        "We have officers here to explain the plan, and then the floor is yours. Please give your first name and say which part of town you're from.",
    ),
    (
        "Mark Ellis (Transport Officer)",
        "Thank you, Chair. The plan sets out how we want people to get into and around the town centre over the next ten years.",
    ),
    (
        "Mark Ellis (Transport Officer)",
        "We've looked at parking, buses, walking and cycling. Nothing is decided yet, which is why we want to hear from you tonight.",
    ),
    (
        "Resident (Pauline)",
        "Pauline, from Eastcliff. My problem is simple. The last bus home is at twenty to seven. If I come to anything in town in the evening I have to get a taxi.",
    ),
    ("Resident (Pauline)", "We used to have buses until eleven. Bring them back and I'll leave the car at home."),
    ("Cllr Janet Hughes (Chair)", "Thank you, Pauline. Mark, can you say anything about evening buses?"),
    (
        "Mark Ellis (Transport Officer)",
        "The evening services were withdrawn by the operator when the subsidy ended. One of our options looks at funding them again.",
    ),
    (
        "Resident (Tom)",
        "Tom, I run the hardware shop on Bridge Street. Parking. Every customer who comes in complains about the charges.",
    ),
    (
        "Resident (Tom)",
        "Westgate is free. We can't compete with free. If you want a high street, give people the first hour free.",
    ),
    (
        "Resident (Aisha)",
        "Aisha, Northfield. I cycle to work at the hospital and Station Road is genuinely dangerous. I've been clipped twice by buses.",
    ),
    ("Resident (Aisha)", "Painted lanes don't protect anyone. We need kerbs between bikes and buses."),
    (
        "Mark Ellis (Transport Officer)",
        "Station Road is one of the corridors we've looked at for a segregated route. It's in the options paper as part of option two.",
    ),
    (
        "Resident (Derek)",
        "Derek, Albert Road. I want to talk about commuter parking. Our street is full from seven in the morning with people going to the station.",
    ),
    ("Resident (Derek)", "We've asked for a residents' permit scheme for years. Nobody listens."),
    (
        "Cllr Janet Hughes (Chair)",
        "I know Albert Road has raised this before. Officers, is a permit scheme in the options?",
    ),
    (
        "Sarah Lin (Parking Manager)",
        "Yes, a residents' parking zone around the station is one of the options we've costed. It would need a separate legal order.",
    ),
    ("Resident (Derek)", "Well I hope it actually happens this time."),
    (
        "Resident (Grace)",
        "Grace, I'm a wheelchair user and I live near the harbour. The pavements are the first thing I'd fix.",
    ),
    (
        "Resident (Grace)",
        "There are no dropped kerbs on half of Bridge Street. I have to go into the road with the traffic.",
    ),
    ("Resident (Grace)", "And pavement parking. Cars on the pavement mean I literally can't get past."),
    (
        "Mark Ellis (Transport Officer)",
        "Thank you, Grace. Footway repairs and dropped kerbs are in the plan and we'd like to do an access audit with disabled residents.",
    ),
    ("Resident (Grace)", "Then involve us properly, not just a tick box."),
    (
        "Resident (Lucy)",
        "Lucy, I've got two children at Harbour Primary. The school run is dangerous. Parents park on the zig-zags and leave engines running.",
    ),
    ("Resident (Lucy)", "My son has asthma. Could we close Chapel Lane at drop-off and pick-up, like a school street?"),
    (
        "Sarah Lin (Parking Manager)",
        "School streets are in the options paper. Enforcement is the difficult part, it needs cameras or volunteers.",
    ),
    ("Resident (Lucy)", "Other councils manage it."),
    ("Resident (Bill)", "Bill, I've lived here all my life. The toilets at the bus station have been shut for a year."),
    (
        "Resident (Bill)",
        "And there's nowhere to sit down. You took the benches away. Old people can't shop if they can't sit down and can't find a loo.",
    ),
    ("Cllr Janet Hughes (Chair)", "That's a fair point, Bill, though toilets are outside the transport budget."),
    ("Resident (Bill)", "It's all part of getting into town though, isn't it?"),
    ("Resident (Kevin)", "Kevin, I run the Seaview guest house. Summer traffic. The queue goes back to the A38."),
    ("Resident (Kevin)", "Every seaside town our size has a park and ride. Why don't we? Use the showground."),
    (
        "Mark Ellis (Transport Officer)",
        "A park and ride has been looked at in the past but the cost of running the buses was too high. It isn't in this plan.",
    ),
    ("Resident (Kevin)", "Then the plan is missing the biggest problem for half the year."),
    (
        "Resident (Maureen)",
        "Maureen, Friends of Harbourside Market. We've heard the Market Square car park might close.",
    ),
    (
        "Resident (Maureen)",
        "The market traders need to unload there. Older shoppers need to park close. Closing it would finish the market.",
    ),
    ("Resident (Maureen)", "We've collected letters from dozens of our members and we'll be sending them in."),
    (
        "Mark Ellis (Transport Officer)",
        "Closing Market Square car park to create a pedestrian square is option three. It's one option among several.",
    ),
    ("Resident (Maureen)", "Then I hope you'll listen to the traders."),
    (
        "Resident (Raj)",
        "Raj, Hill Street. The speed of the traffic on our road is frightening. Forty, fifty miles an hour past the houses.",
    ),
    ("Resident (Raj)", "We want a twenty limit and a camera. Signs are ignored."),
    ("Cllr Janet Hughes (Chair)", "Speed limits are partly a police matter, but we'll note it."),
    ("Resident (Raj)", "Everyone always says it's someone else's matter."),
    (
        "Resident (Emma)",
        "Emma, Northfield. I'd echo Aisha. My teenager wants to cycle to college but the Northfield path just stops at the ring road.",
    ),
    ("Resident (Emma)", "A safe crossing there and a proper route into town would change everything for us."),
    (
        "Resident (Pauline)",
        "Can I come back on buses? The buses don't meet the trains either. You get off the train and the bus has just gone.",
    ),
    ("Mark Ellis (Transport Officer)", "Connecting buses with trains is something we're discussing with the operator."),
    ("Resident (Tom)", "And while we're on parking, the evening charges are hurting the restaurants too."),
    (
        "Resident (Sandra)",
        "Sandra, Victoria Terrace. Same as Derek, our street is a car park for commuters. Residents' permits please.",
    ),
    ("Resident (Joe)", "Joe, Eastcliff. I just want to say the whole thing is a waste of money. Fix the potholes."),
    ("Cllr Janet Hughes (Chair)", "Thank you, Joe. Road maintenance is a separate budget but your view is recorded."),
    ("Resident (Grace)", "One more thing, the bus stops. The ramp can't reach the kerb at the Bridge Street stop."),
    ("Mark Ellis (Transport Officer)", "Raised kerbs at bus stops are part of the accessibility package."),
    ("Resident (Lucy)", "Will the air quality outside schools be measured?"),
    (
        "Sarah Lin (Parking Manager)",
        "We have one monitor near Chapel Lane and could add more if school streets go ahead.",
    ),
    (
        "Resident (Nadia)",
        "Nadia, I work in a shop on Fore Street. Staff parking costs me thirty pounds a week. A cheaper permit for town centre workers would help.",
    ),
    ("Resident (Aisha)", "Secure bike parking at the station too, please. My last bike was stolen there."),
    ("Resident (Kevin)", "Will you at least look at a summer park and ride again?"),
    (
        "Mark Ellis (Transport Officer)",
        "We'll report what people have said tonight to cabinet, including the park and ride.",
    ),
    ("Resident (Bill)", "Put the benches back. That's all."),
    ("Cllr Janet Hughes (Chair)", "We have a few minutes left. Are there any points we haven't heard yet?"),
    (
        "Resident (Hannah)",
        "Hannah, Old Town. The pavements by the church are so narrow two prams can't pass. Could they be widened?",
    ),
    (
        "Mark Ellis (Transport Officer)",
        "Widening footways on the narrowest streets is part of the accessibility package.",
    ),
    (
        "Resident (Colin)",
        "Colin, Westgate. I drive in because I have to, I'm a carer. Cheaper short-stay parking would help people like me.",
    ),
    (
        "Sarah Lin (Parking Manager)",
        "We've modelled a free first hour in two car parks. It costs the council income, so it's a balance.",
    ),
    ("Resident (Colin)", "It costs the shops more if nobody comes."),
    (
        "Resident (Priya)",
        "Priya, Harbour ward. The number 3 bus doesn't run after seven either. Shift workers at the hospital can't get home.",
    ),
    ("Mark Ellis (Transport Officer)", "Routes 3 and 7 are the two where evening services are being looked at."),
    ("Resident (Dave)", "Dave, Northfield. Cars fly down Northfield Road. A speed camera would pay for itself."),
    ("Cllr Janet Hughes (Chair)", "I'll make sure the police liaison officer sees that, Dave."),
    (
        "Resident (Sue)",
        "Sue, Eastcliff. A bench at the bus stop on Fore Street, please. I can't stand for twenty minutes.",
    ),
    ("Resident (Martin)", "Martin, a market trader for thirty years. If the car park by the market goes, so do we."),
    (
        "Resident (Lucy)",
        "One last thing on schools. Even a trial school street at Harbour Primary for a term would show whether it works.",
    ),
    ("Sarah Lin (Parking Manager)", "A pilot is something we could put to cabinet as an option."),
    ("Resident (Derek)", "And a pilot permit zone on Albert Road, while you're at it."),
    (
        "Resident (Kevin)",
        "A summer shuttle from the showground for the school holidays only would be cheaper than a full park and ride.",
    ),
    ("Mark Ellis (Transport Officer)", "That's a useful suggestion and we'll note it."),
    (
        "Cllr Janet Hughes (Chair)",
        "Thank you all. Everything said tonight will be summarised for cabinet alongside the survey responses.",
    ),
    ("Cllr Janet Hughes (Chair)", "The consultation closes on the twentieth of March. Good night."),
]

THEMES["market_square"] = {
    "problem": [
        "The Market Square car park is the only place near the stalls where older people can park.",
        "Traders at the Saturday market need somewhere to unload their vans close to the square.",
        "Rumours that Market Square car park will close are worrying everyone at the market.",
        "Without the car park by the market, the Tuesday market would lose half its customers.",
    ],
    "suggestion": [
        "Keep the Market Square car park, the market depends on it.",
        "Don't close the car park in Market Square, keep the disabled bays there.",
        "Leave Market Square car park alone and improve the market instead.",
        "Retain the parking by the market for traders and blue badge holders.",
    ],
}

OPTIONS_PAPER = """# Town Centre Transport Plan: options appraisal

Harbourside Borough Council, Place Directorate. Report to Cabinet, May 2026.

## 1. Purpose of this report

This report appraises the options for the town centre transport plan following the public
consultation held from 20 January to 20 March 2026, which received 370 survey responses and
comments made at a public meeting in the Guildhall.

## 2. Background

The town centre is reached mainly by car. Footfall has fallen by 14% since 2019 and several
retail units on Bridge Street and Fore Street are vacant. The council's climate strategy commits
it to reducing transport emissions, and the Local Transport Plan asks for a shift towards
walking, cycling and public transport.

## 3. Options

### Option 1: Do minimum

Continue routine highway maintenance only. No new schemes. This option has no capital cost but
does not meet the objectives of the plan.

### Option 2: Active travel corridors

Build a kerb-segregated cycle lane on Station Road between the railway station and the harbour,
protected from buses and general traffic. Connect the Northfield cycle path to the town centre with
a signal-controlled crossing of the ring road, and install secure cycle parking and cycle hangars
at the station and in the main shopping streets. Estimated cost £3.2m, largely grant funded.

### Option 3: Market Square pedestrian zone

Close the Market Square car park (64 spaces) and convert the square to a pedestrian space for
events and outdoor seating for cafés. Displaced parking would move to the Quayside car park.

### Option 4: Residents' parking zone around the station

Introduce a controlled parking zone with residents' permits on Albert Road, Victoria Terrace,
Clifton Road and neighbouring streets, to stop all-day commuter parking. Visitor permits would be
available for carers and family. Requires a traffic regulation order and an annual permit charge.

### Option 5: School streets

Timed closures of the roads outside St Mary's and Harbour Primary schools to motor traffic at
drop-off and pick-up, with anti-idling enforcement and air quality monitoring at the school gates.
Enforcement would require cameras.

### Option 6: Parking tariff review

Make the first hour free in the Quayside and Bridge Street car parks, freeze short-stay parking
charges until 2029, and offer a discounted permit for people who work in town centre shops.
Estimated loss of income £310,000 a year.

### Option 7: Bus service enhancement

Fund the restoration of evening bus services on routes 3 and 7 until 11pm and a Sunday service to
the villages, install real-time information screens at the bus station and main stops, and work
with the operator to time buses to connect with trains. Estimated cost £420,000 a year.

### Option 8: Accessible streets package

Repair broken footways in the town centre, install dropped kerbs and tactile paving at every
crossing, widen footways on Bridge Street and Fore Street, raise kerbs at bus stops, remove street
clutter, and enforce against pavement parking. Carry out an access audit with disabled residents.

## 4. Recommendation

Recommendation 1: That Cabinet approves Options 2, 6, 7 and 8 as the town centre transport plan.

Recommendation 2: That Option 3 is not pursued in light of the consultation responses from market
traders, and that Options 4 and 5 are kept under review.
"""

DECISION_NOTICE = [
    ("Title", "Cabinet decision notice: Town Centre Transport Plan"),
    ("Normal", "Harbourside Borough Council. Cabinet meeting of 11 June 2026. Decision reference CAB/2026/041."),
    ("Heading 1", "Decision"),
    ("Normal", "RESOLVED: that Cabinet"),
    (
        "List Number",
        "approves the construction of a kerb-segregated cycle lane on Station Road from the railway station to the harbour, a safe crossing of the ring road linking the Northfield cycle path, and secure cycle parking at the station (Option 2);",
    ),
    (
        "List Number",
        "approves making the first hour of parking free in the Quayside and Bridge Street car parks and freezing short-stay parking charges until 2029, with a discounted permit for town centre workers (Option 6);",
    ),
    (
        "List Number",
        "approves funding for evening bus services on routes 3 and 7 until 11pm, a Sunday bus service to the villages, and real-time information screens at the bus station (Option 7);",
    ),
    (
        "List Number",
        "approves the accessible streets package: footway repairs, dropped kerbs and tactile paving at crossings, wider footways on Bridge Street and Fore Street, and enforcement against pavement parking, following an access audit with disabled residents (Option 8);",
    ),
    (
        "List Number",
        "agrees that the Market Square car park will remain open, retaining parking for the Tuesday and Saturday markets, blue badge holders and traders' loading.",
    ),
    ("Heading 1", "Reasons for the decision"),
    (
        "Normal",
        "The consultation showed strong support for safer cycling, better buses and accessible streets, and concern from businesses about the cost of parking. The approved measures respond to these concerns within the available budget.",
    ),
    ("Heading 1", "Alternative options considered and rejected"),
    ("Normal", "Option 1, do minimum, was rejected because it would not meet the objectives of the plan."),
    (
        "Normal",
        "Option 3, closing the Market Square car park to create a pedestrian zone, was rejected following objections from market traders and the Friends of Harbourside Market.",
    ),
    (
        "Normal",
        "Option 4, a residents' parking zone around the station, was not taken forward at this time because it needs a separate traffic regulation order and consultation with the streets affected.",
    ),
    (
        "Normal",
        "Option 5, school streets at St Mary's and Harbour Primary, was not taken forward this year because the cost of camera enforcement could not be met from the budget.",
    ),
    ("Heading 1", "Declarations of interest"),
    ("Normal", "None declared."),
]
