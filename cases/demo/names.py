"""Fictional names, places and practices for the demo partnership.

Every person, street, town and GP practice here is invented. Towns sit in two fictional
councils (Northshire County Council: North and West localities; Eastmere City Council: the
South locality). Postcode areas NS and EM are not real Royal Mail areas, but the codes have
the real format so they pass cases.validators.validate_postcode.
"""

# --- Given and family names by heritage, so names and recorded ethnicity agree -----------

BRITISH_FEMALE_OLDER = (
    "Margaret Doreen Joan Brenda Patricia Sheila Maureen Jean Barbara Valerie Irene Sylvia "
    "Eileen Pauline Christine Jennifer Elizabeth Dorothy Shirley Janet Marjorie Audrey Hazel "
    "Gwendolyn Beryl Rita June Gillian Veronica Wendy"
).split()
BRITISH_MALE_OLDER = (
    "Kenneth Derek Roy Brian Ronald Dennis Malcolm Geoffrey Keith Trevor Colin Raymond Gordon "
    "Barry Terence Graham Leonard Alan Bernard Clifford Norman Stanley Frederick Harold Peter "
    "Michael David John William Robert"
).split()
BRITISH_FEMALE = (
    "Emma Sarah Laura Rebecca Hannah Charlotte Gemma Kelly Amy Lauren Jessica Sophie Chloe "
    "Rachel Natalie Stacey Kirsty Danielle Jade Nicola Helen Joanne Claire Leanne Megan Ellie "
    "Katie Holly Zoe Bethany Louise Amber Abigail Lucy Georgia Fiona Kerry Tracey"
).split()
BRITISH_MALE = (
    "James Daniel Thomas Matthew Christopher Andrew Ryan Jamie Liam Craig Stuart Lee Mark "
    "Steven Paul Gareth Dean Ashley Callum Connor Jordan Kieran Lewis Adam Joshua Nathan Owen "
    "Rhys Sean Jack Samuel Benjamin Oliver Aaron Luke Scott Wayne Darren"
).split()
BRITISH_FAMILY = (
    "Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson Evans "
    "Walker White Roberts Green Hall Wood Jackson Clarke Hughes Edwards Harrison Lewis Turner "
    "Hill Cooper Ward Morris Moore Clark Baker Harris Allen Morgan Parker Bennett Shaw Cook "
    "Richardson Marshall Hudson Fletcher Pearson Dixon Holmes Atkinson Chapman Mason Webb "
    "Rogers Foster Barker Simpson Lloyd Knight Hunt Spencer Palmer Reynolds Gibson Ellis "
    "Stevens Pickering Ashworth Whitfield Thornton Crossley Bradshaw Pennington Lathom "
    "Rowntree Hargreaves Sutcliffe Fairbrother Cartwright Haworth Openshaw Brierley"
).split()

IRISH_FEMALE = "Siobhan Aoife Niamh Ciara Roisin Orla Sinead Grainne Maeve Brigid".split()
IRISH_MALE = "Sean Ciaran Declan Padraig Eoin Cathal Fergal Donal Cormac Niall".split()
IRISH_FAMILY = (
    "Byrne Murphy O'Connor Kelly Doyle Gallagher Brennan Walsh Quinn Donnelly O'Sullivan "
    "McCarthy Keane Fitzgerald Nolan"
).split()

EUROPEAN_FEMALE = (
    "Agnieszka Katarzyna Magdalena Ioana Elena Ruta Ines Giulia Marta Zuzana Ewa Andreea"
).split()
EUROPEAN_MALE = "Piotr Tomasz Marek Andrei Mihai Tomas Joao Marco Pawel Lukas Jakub Bogdan".split()
EUROPEAN_FAMILY = (
    "Nowak Wozniak Lewandowski Popescu Ionescu Kazlauskas Silva Ferreira Rossi Esposito "
    "Horvath Novak Dabrowski Petrauskas Constantin Moreira Kowalczyk Stanciu"
).split()

INDIAN_FEMALE = "Priya Anjali Sunita Kavita Meera Deepa Pooja Harpreet Jaspreet Nisha Rupinder".split()
INDIAN_MALE = "Rajesh Sanjay Vikram Arjun Amit Gurpreet Harjit Manoj Sunil Rohan Kulwinder".split()
INDIAN_FAMILY = "Patel Sharma Singh Gill Shah Mistry Chauhan Sandhu Dhillon Mehta Joshi Bains".split()

PAKISTANI_FEMALE = "Ayesha Fatima Saima Nadia Sana Rubina Aisha Zainab Samina Hina".split()
PAKISTANI_MALE = "Imran Asif Tariq Bilal Usman Kamran Zahid Faisal Naveed Adnan".split()
PAKISTANI_FAMILY = "Khan Hussain Ahmed Akhtar Iqbal Mahmood Butt Qureshi Raja Aslam Shafiq".split()

BANGLADESHI_FEMALE = "Nasima Shirin Rokeya Taslima Farzana Sumaiya Halima Jahanara".split()
BANGLADESHI_MALE = "Abdul Mohammed Rahim Shahid Jamal Anwar Kamal Mizanur".split()
BANGLADESHI_FAMILY = "Miah Uddin Rahman Ali Islam Chowdhury Hoque Karim Sarkar Haque".split()

CHINESE_FEMALE = "Mei Lina Xiu Hui Ling Yan Jing Ying".split()
CHINESE_MALE = "Wei Jian Ming Hao Jun Kai Tao Bo".split()
CHINESE_FAMILY = "Wong Chan Li Zhang Wang Liu Cheung Lam Ng Yeung Ho Tang".split()

AFRICAN_FEMALE = (
    "Chioma Ngozi Adaeze Abena Ama Fadumo Hodan Blessing Folake Amara Nkechi Yetunde"
).split()
AFRICAN_MALE = "Chinedu Emeka Kwame Kofi Oluwaseun Tunde Abdi Mohamed Samuel Kwabena Femi".split()
AFRICAN_FAMILY = (
    "Okafor Adeyemi Okonkwo Mensah Boateng Asante Osei Abdi Hassan Warsame Mwangi Banda "
    "Adebayo Nwosu Owusu Farah"
).split()

CARIBBEAN_FEMALE = "Marcia Beverley Janice Sonia Yvonne Paulette Claudette Angela Simone".split()
CARIBBEAN_MALE = "Delroy Winston Clive Errol Leroy Marcus Desmond Everton Lloyd".split()
CARIBBEAN_FAMILY = "Campbell Brown Williams Thompson Clarke Francis Grant Henry Bailey Reid".split()

OTHER_FEMALE = "Leila Yasmin Maryam Elif Zeynep Shirin Maria Rosa Layla Nour".split()
OTHER_MALE = "Omar Karim Mehmet Reza Hassan Jose Emre Dariush Yusuf Ramon".split()
OTHER_FAMILY = "Yilmaz Demir Karimi Hosseini Haddad Santos Reyes Aziz Mansour Kaya Tehrani".split()

# Pools by NHS ethnic category code (cases.models.EthnicCategory). Mixed categories draw
# the given name from one heritage and the family name from another.
POOLS = {
    "british": (BRITISH_FEMALE, BRITISH_MALE, BRITISH_FAMILY),
    "irish": (IRISH_FEMALE, IRISH_MALE, IRISH_FAMILY),
    "european": (EUROPEAN_FEMALE, EUROPEAN_MALE, EUROPEAN_FAMILY),
    "indian": (INDIAN_FEMALE, INDIAN_MALE, INDIAN_FAMILY),
    "pakistani": (PAKISTANI_FEMALE, PAKISTANI_MALE, PAKISTANI_FAMILY),
    "bangladeshi": (BANGLADESHI_FEMALE, BANGLADESHI_MALE, BANGLADESHI_FAMILY),
    "chinese": (CHINESE_FEMALE, CHINESE_MALE, CHINESE_FAMILY),
    "african": (AFRICAN_FEMALE, AFRICAN_MALE, AFRICAN_FAMILY),
    "caribbean": (CARIBBEAN_FEMALE, CARIBBEAN_MALE, CARIBBEAN_FAMILY),
    "other": (OTHER_FEMALE, OTHER_MALE, OTHER_FAMILY),
}

# (ethnic category code, weight per 1000, given-name pool, family-name pool)
ETHNICITY_WEIGHTS = (
    ("A", 730, "british", "british"),
    ("B", 9, "irish", "irish"),
    ("C", 62, "european", "european"),
    ("D", 9, "british", "caribbean"),
    ("E", 4, "african", "british"),
    ("F", 8, "british", "indian"),
    ("G", 6, "other", "british"),
    ("H", 31, "indian", "indian"),
    ("J", 27, "pakistani", "pakistani"),
    ("K", 11, "bangladeshi", "bangladeshi"),
    ("L", 16, "other", "indian"),
    ("M", 11, "caribbean", "caribbean"),
    ("N", 25, "african", "african"),
    ("P", 5, "caribbean", "african"),
    ("R", 7, "chinese", "chinese"),
    ("S", 21, "other", "other"),
    ("Z", 15, "british", "british"),
    ("99", 8, "british", "british"),
)

NICKNAMES = {
    "Elizabeth": "Liz", "Margaret": "Peggy", "Patricia": "Pat", "Jennifer": "Jenny",
    "Christine": "Chris", "Dorothy": "Dot", "William": "Bill", "Robert": "Bob",
    "Christopher": "Chris", "Matthew": "Matt", "Benjamin": "Ben", "Samuel": "Sam",
    "Frederick": "Fred", "Terence": "Terry", "Kenneth": "Ken", "Rebecca": "Becky",
    "Abigail": "Abi", "Katarzyna": "Kasia", "Oluwaseun": "Seun", "Mohammed": "Mo",
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
        "eastmere", "South", ("EM1", "EM2", "EM3", "EM4", "EM5", "EM6"),
        ("Mereside", "Fenwick Cross", "St Aldric's", "Harbour Quarter", "Millfield", "Tolbrook"),
    ),
    "Nethermere": ("eastmere", "South", ("EM8",), ("Nethermere Village",)),
}

# Share of people living in each locality (the rest of the weights are per town).
TOWN_WEIGHTS = {
    "Ashbridge": 14, "Kelby Moor": 7, "Thornwick Marsh": 5, "Hollinsby": 9,
    "Westcombe Regis": 10, "Elderford": 6, "Brackenhurst": 4, "Saltmere": 6,
    "Eastmere": 33, "Nethermere": 6,
}

STREET_STEMS = (
    "Mill Church Station Victoria Albert Orchard Meadow Willow Beech Chestnut Rowan Hawthorn "
    "Foundry Canal Quarry Tanners Weavers Ropewalk Priory Abbey Castle Market Bridge Riverside "
    "Brook Kingfisher Heron Swallow Larch Linden Sycamore Elm Juniper Primrose Bluebell "
    "Harebell Glebe Granary Malthouse Coronation Jubilee Saxon Lantern Cobbler Fuller Osier "
    "Pinfold Wharf Tenter Bellfounders"
).split()
STREET_SUFFIXES = (
    "Road Street Lane Close Avenue Way Gardens Crescent Drive Terrace Court Grove Place Rise "
    "View Walk"
).split()

CARE_HOMES = (
    "Rowan Lodge Care Home", "Meadowbank House", "The Willows Nursing Home",
    "Kingfisher Court Care Home", "St Aldric's Residential Home", "Brookside Manor",
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
        "Mereside Medical Centre", "Fenwick Cross Surgery", "St Aldric's Health Centre",
        "Millfield Family Practice", "Eastmere City Health Centre", "Tolbrook Surgery",
    ),
    "Nethermere": ("Nethermere Village Surgery",),
}

# --- Relationships for contacts -----------------------------------------------------------

RELATIVES_OF_OLDER = ("daughter", "son", "wife", "husband", "niece", "nephew", "granddaughter")
RELATIVES_OF_YOUNGER = ("mother", "father", "partner", "sister", "brother", "wife", "husband")
CARER_RELATIONSHIPS = ("daughter", "son", "partner", "friend", "neighbour", "mother", "sister")
