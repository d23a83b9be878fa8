"""Fictional names, places and practices for the demo partnership.

Every person, street, town and GP practice here is invented. Towns sit in two fictional
councils (Northshire County Council: North and West localities; Eastmere City Council: the
South locality). Postcode areas NS and EM are not real Royal Mail areas, but the codes have
the real format so they pass cases.validators.validate_postcode.
"""

# --- Given and family names by heritage, so names and recorded ethnicity agree -----------


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


BRITISH_FEMALE_OLDER = _words(
    "Margaret Doreen Joan Brenda Patricia Sheila Maureen Jean Barbara Valerie Irene Sylvia "
    "Eileen Pauline Christine Jennifer Elizabeth Dorothy Shirley Janet Marjorie Audrey Hazel "
    "Gwendolyn Beryl Rita June Gillian Veronica Wendy"
)
BRITISH_MALE_OLDER = _words(
    "Kenneth Derek Roy Brian Ronald Dennis Malcolm Geoffrey Keith Trevor Colin Raymond Gordon "
    "Barry Terence Graham Leonard Alan Bernard Clifford Norman Stanley Frederick Harold Peter "
    "Michael David John William Robert"
)
BRITISH_FEMALE = _words(
    "Emma Sarah Laura Rebecca Hannah Charlotte Gemma Kelly Amy Lauren Jessica Sophie Chloe "
    "Rachel Natalie Stacey Kirsty Danielle Jade Nicola Helen Joanne Claire Leanne Megan Ellie "
    "Katie Holly Zoe Bethany Louise Amber Abigail Lucy Georgia Fiona Kerry Tracey"
)
BRITISH_MALE = _words(
    "James Daniel Thomas Matthew Christopher Andrew Ryan Jamie Liam Craig Stuart Lee Mark "
    "Steven Paul Gareth Dean Ashley Callum Connor Jordan Kieran Lewis Adam Joshua Nathan Owen "
    "Rhys Sean Jack Samuel Benjamin Oliver Aaron Luke Scott Wayne Darren"
)
BRITISH_FAMILY = _words(
    "Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson Evans "
    "Walker White Roberts Green Hall Wood Jackson Clarke Hughes Edwards Harrison Lewis Turner "
    "Hill Cooper Ward Morris Moore Clark Baker Harris Allen Morgan Parker Bennett Shaw Cook "
    "Richardson Marshall Hudson Fletcher Pearson Dixon Holmes Atkinson Chapman Mason Webb "
    "Rogers Foster Barker Simpson Lloyd Knight Hunt Spencer Palmer Reynolds Gibson Ellis "
    "Stevens Pickering Ashworth Whitfield Thornton Crossley Bradshaw Pennington Lathom "
    "Rowntree Hargreaves Sutcliffe Fairbrother Cartwright Haworth Openshaw Brierley"
)
IRISH = (
    _words("Siobhan Aoife Niamh Ciara Roisin Orla Sinead Grainne Maeve Brigid"),
    _words("Sean Ciaran Declan Padraig Eoin Cathal Fergal Donal Cormac Niall"),
    _words(
        "Byrne Murphy O'Connor Kelly Doyle Gallagher Brennan Walsh Quinn Donnelly "
        "O'Sullivan McCarthy Keane Fitzgerald Nolan"
    ),
)
POLISH = (
    _words("Agnieszka Katarzyna Magdalena Ewa Joanna Marta Aleksandra"),
    _words("Piotr Tomasz Marek Pawel Jakub Krzysztof Lukasz"),
    _words("Nowak Wozniak Lewandowski Dabrowski Kowalczyk Zielinski Wojcik Mazur"),
)
ROMANIAN = (
    _words("Ioana Elena Andreea Mihaela Raluca Cristina"),
    _words("Andrei Mihai Bogdan Florin Adrian Catalin"),
    _words("Popescu Ionescu Constantin Stanciu Dumitru Munteanu"),
)
PORTUGUESE = (
    _words("Ines Beatriz Joana Catarina Mariana"),
    _words("Joao Tiago Rui Nuno Diogo"),
    _words("Silva Ferreira Moreira Pereira Carvalho Rodrigues"),
)
ITALIAN = (
    _words("Giulia Francesca Chiara Alessandra Paola"),
    _words("Marco Luca Giuseppe Matteo Stefano"),
    _words("Rossi Esposito Bianchi Romano Greco Ricci"),
)
LITHUANIAN = (
    _words("Ruta Egle Ieva Laura Gintare"),
    _words("Tomas Lukas Mantas Darius Andrius"),
    _words("Kazlauskas Petrauskas Jankauskas Vasiliauskas Balciunas"),
)
GUJARATI = (
    _words("Priya Anjali Kavita Meera Nisha Hetal Bhavna Pooja"),
    _words("Rajesh Sanjay Vikram Amit Manoj Sunil Nilesh Hitesh"),
    _words("Patel Shah Mistry Mehta Joshi Parmar Desai Chauhan"),
)
PUNJABI = (
    _words("Harpreet Jaspreet Rupinder Manjit Sukhvinder Gurinder Amrit"),
    _words("Gurpreet Harjit Kulwinder Jaswinder Baljit Sukhdev Ranjit"),
    _words("Singh Gill Sandhu Dhillon Bains Sidhu Grewal Johal"),
)
TAMIL = (
    _words("Thulasi Kavitha Nirmala Sivakami Tharshini"),
    _words("Suresh Kumaran Thayalan Ganesh Rajan"),
    _words("Sivakumar Thangarajah Balasingham Nadarajah Selvarajah"),
)
NEPALI = (
    _words("Sita Gita Anita Sabina Puja"),
    _words("Bishnu Ramesh Dipak Prakash Suman"),
    _words("Gurung Thapa Rai Limbu Tamang Shrestha"),
)
FILIPINO = (
    _words("Maria Rosario Cristina Jocelyn Marites"),
    _words("Jose Ramon Rodel Arnel Jerome"),
    _words("Santos Reyes Cruz Bautista Villanueva Mendoza"),
)
PAKISTANI = (
    _words("Ayesha Fatima Saima Nadia Sana Rubina Aisha Zainab Samina Hina"),
    _words("Imran Asif Tariq Bilal Usman Kamran Zahid Faisal Naveed Adnan"),
    _words("Khan Hussain Ahmed Akhtar Iqbal Mahmood Butt Qureshi Raja Aslam Shafiq"),
)
BANGLADESHI = (
    _words("Nasima Shirin Rokeya Taslima Farzana Sumaiya Halima Jahanara"),
    _words("Abdul Mohammed Rahim Shahid Jamal Anwar Kamal Mizanur"),
    _words("Miah Uddin Rahman Ali Islam Chowdhury Hoque Karim Sarkar"),
)
CHINESE = (
    _words("Mei Lina Xiu Hui Ling Yan Jing Ying"),
    _words("Wei Jian Ming Hao Jun Kai Tao Bo"),
    _words("Wong Chan Li Zhang Wang Liu Cheung Lam Ng Yeung Ho Tang"),
)
NIGERIAN = (
    _words("Chioma Ngozi Adaeze Folake Nkechi Yetunde Blessing Funmilayo"),
    _words("Chinedu Emeka Oluwaseun Tunde Femi Obinna Adewale Ikenna"),
    _words("Okafor Adeyemi Okonkwo Adebayo Nwosu Olawale Eze Afolabi"),
)
GHANAIAN = (
    _words("Abena Ama Akosua Efua Adwoa"),
    _words("Kwame Kofi Kwabena Yaw Kojo"),
    _words("Mensah Boateng Asante Osei Owusu Appiah"),
)
SOMALI = (
    _words("Fadumo Hodan Amina Sahra Ifrah"),
    _words("Abdi Mohamed Abdirahman Ahmed Liban"),
    _words("Warsame Farah Hassan Abdi Jama Nur"),
)
CARIBBEAN = (
    _words("Marcia Beverley Janice Sonia Yvonne Paulette Claudette Angela Simone"),
    _words("Delroy Winston Clive Errol Leroy Marcus Desmond Everton Lloyd"),
    _words("Campbell Brown Williams Thompson Clarke Francis Grant Henry Bailey Reid"),
)
TURKISH = (
    _words("Elif Zeynep Ayse Emine Derya"),
    _words("Mehmet Emre Mustafa Murat Hakan"),
    _words("Yilmaz Demir Kaya Celik Aydin Ozturk"),
)
IRANIAN = (
    _words("Shirin Maryam Parisa Nasrin Leila"),
    _words("Reza Dariush Farhad Behrouz Kaveh"),
    _words("Karimi Hosseini Tehrani Rostami Ahmadi"),
)
ARAB = (
    _words("Yasmin Layla Nour Rania Huda"),
    _words("Omar Karim Yusuf Khalid Samir"),
    _words("Haddad Mansour Aziz Saleh Nasser Khalil"),
)

# Pools by heritage: (female given names, male given names, family names).
POOLS = {
    "british": (BRITISH_FEMALE, BRITISH_MALE, BRITISH_FAMILY),
    "irish": IRISH,
    "polish": POLISH,
    "romanian": ROMANIAN,
    "portuguese": PORTUGUESE,
    "italian": ITALIAN,
    "lithuanian": LITHUANIAN,
    "gujarati": GUJARATI,
    "punjabi": PUNJABI,
    "tamil": TAMIL,
    "nepali": NEPALI,
    "filipino": FILIPINO,
    "pakistani": PAKISTANI,
    "bangladeshi": BANGLADESHI,
    "chinese": CHINESE,
    "nigerian": NIGERIAN,
    "ghanaian": GHANAIAN,
    "somali": SOMALI,
    "caribbean": CARIBBEAN,
    "turkish": TURKISH,
    "iranian": IRANIAN,
    "arab": ARAB,
}

# (NHS ethnic category code, weight per 1000, given-name pool, family-name pool), roughly
# England's 2021 census. Mixed categories draw given and family names from two heritages.
ETHNICITY_WEIGHTS = (
    ("A", 730, "british", "british"),
    ("B", 9, "irish", "irish"),
    ("C", 20, "polish", "polish"),
    ("C", 15, "romanian", "romanian"),
    ("C", 9, "portuguese", "portuguese"),
    ("C", 9, "italian", "italian"),
    ("C", 9, "lithuanian", "lithuanian"),
    ("D", 9, "british", "caribbean"),
    ("E", 4, "nigerian", "british"),
    ("F", 8, "british", "gujarati"),
    ("G", 6, "arab", "british"),
    ("H", 16, "gujarati", "gujarati"),
    ("H", 15, "punjabi", "punjabi"),
    ("J", 27, "pakistani", "pakistani"),
    ("K", 11, "bangladeshi", "bangladeshi"),
    ("L", 7, "tamil", "tamil"),
    ("L", 4, "nepali", "nepali"),
    ("L", 5, "filipino", "filipino"),
    ("M", 11, "caribbean", "caribbean"),
    ("N", 13, "nigerian", "nigerian"),
    ("N", 7, "ghanaian", "ghanaian"),
    ("N", 5, "somali", "somali"),
    ("P", 5, "caribbean", "ghanaian"),
    ("R", 7, "chinese", "chinese"),
    ("S", 8, "turkish", "turkish"),
    ("S", 5, "iranian", "iranian"),
    ("S", 8, "arab", "arab"),
    ("Z", 15, "british", "british"),
    ("99", 8, "british", "british"),
)

NICKNAMES = {
    "Elizabeth": "Liz",
    "Margaret": "Peggy",
    "Patricia": "Pat",
    "Jennifer": "Jenny",
    "Christine": "Chris",
    "Dorothy": "Dot",
    "William": "Bill",
    "Robert": "Bob",
    "Christopher": "Chris",
    "Matthew": "Matt",
    "Benjamin": "Ben",
    "Samuel": "Sam",
    "Frederick": "Fred",
    "Terence": "Terry",
    "Kenneth": "Ken",
    "Rebecca": "Becky",
    "Abigail": "Abi",
    "Katarzyna": "Kasia",
    "Oluwaseun": "Seun",
    "Mohammed": "Mo",
}

# --- Places -------------------------------------------------------------------------------

# town -> (council key, locality, postcode districts, neighbourhoods for address line 2)
TOWNS = {
    "Ashbridge": ("northshire", "North", ("NS1", "NS2", "NS3"), ("Upper Ashbridge", "Kilnfield")),
    "Kelby Moor": ("northshire", "North", ("NS4",), ("Moor End",)),
    "Thornwick Marsh": ("northshire", "North", ("NS5",), ()),
    "Hollinsby": ("northshire", "North", ("NS6", "NS7"), ("Hollinsby Green",)),
    "Westcombe Regis": ("northshire", "West", ("NS10", "NS11"), ("Combe Park", "Quayside")),
    "Elderford": ("northshire", "West", ("NS12",), ("Elderford St Mary",)),
    "Brackenhurst": ("northshire", "West", ("NS13",), ()),
    "Saltmere": ("northshire", "West", ("NS14", "NS15"), ("Saltmere Docks",)),
    "Eastmere": (
        "eastmere",
        "South",
        ("EM1", "EM2", "EM3", "EM4", "EM5", "EM6"),
        ("Mereside", "Fenwick Cross", "St Aldric's", "Harbour Quarter", "Millfield", "Tolbrook"),
    ),
    "Nethermere": ("eastmere", "South", ("EM8",), ("Nethermere Village",)),
}

# Relative share of people living in each town.
TOWN_WEIGHTS = {
    "Ashbridge": 14,
    "Kelby Moor": 7,
    "Thornwick Marsh": 5,
    "Hollinsby": 9,
    "Westcombe Regis": 10,
    "Elderford": 6,
    "Brackenhurst": 4,
    "Saltmere": 6,
    "Eastmere": 33,
    "Nethermere": 6,
}

STREET_STEMS = _words(
    "Mill Church Station Victoria Albert Orchard Meadow Willow Beech Chestnut Rowan Hawthorn "
    "Foundry Canal Quarry Tanners Weavers Ropewalk Priory Abbey Castle Market Bridge Riverside "
    "Brook Kingfisher Heron Swallow Larch Linden Sycamore Elm Juniper Primrose Bluebell "
    "Harebell Glebe Granary Malthouse Coronation Jubilee Saxon Lantern Cobbler Fuller Osier "
    "Pinfold Wharf Tenter Bellfounders"
)
STREET_SUFFIXES = _words(
    "Road Street Lane Close Avenue Way Gardens Crescent Drive Terrace Court Grove Place Rise View Walk"
)

CARE_HOMES = (
    "Rowan Lodge Care Home",
    "Meadowbank House",
    "The Willows Nursing Home",
    "Kingfisher Court Care Home",
    "St Aldric's Residential Home",
    "Brookside Manor",
)

# Postcode inward code letters: Royal Mail never uses C, I, K, M, O or V here.
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

GP_PRACTICES = {
    "Ashbridge": ("Ashbridge Medical Centre", "Kilnfield Surgery", "The Granary Practice"),
    "Kelby Moor": ("Kelby Moor Health Centre",),
    "Thornwick Marsh": ("Marsh Lane Surgery",),
    "Hollinsby": ("Hollinsby Group Practice", "Green Street Surgery"),
    "Westcombe Regis": ("Westcombe Medical Practice", "Quayside Health Centre"),
    "Elderford": ("Elderford Surgery",),
    "Brackenhurst": ("Brackenhurst and District Medical Practice",),
    "Saltmere": ("Saltmere Docks Surgery", "The Harbour Practice"),
    "Eastmere": (
        "Mereside Medical Centre",
        "Fenwick Cross Surgery",
        "St Aldric's Health Centre",
        "Millfield Family Practice",
        "Eastmere City Health Centre",
        "Tolbrook Surgery",
    ),
    "Nethermere": ("Nethermere Village Surgery",),
}

# --- Relationships for contacts -----------------------------------------------------------

RELATIVES_OF_OLDER = ("daughter", "son", "wife", "husband", "niece", "nephew", "granddaughter")
RELATIVES_OF_YOUNGER = ("mother", "father", "partner", "sister", "brother", "wife", "husband")
CARER_RELATIONSHIPS = ("daughter", "son", "partner", "friend", "neighbour", "mother", "sister")
