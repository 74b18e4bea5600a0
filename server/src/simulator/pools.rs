//! Word pools the simulated dataset draws from: realistic, and adversarial on
//! purpose (right-to-left scripts, apostrophes, emoji, HTML-ish characters,
//! combining accents), so that everything downstream meets them early.

/// Given names; `person_email` falls back to an id-based address for the
/// ones that are not plain ASCII.
pub const FIRST_NAMES: &[&str] = &[
    "John",
    "Kate",
    "Juliet",
    "Jack",
    "Hugo",
    "Sun",
    "Desmond",
    "Charlotte",
    "Miles",
    "Ana Lucía",
    "Zoë",
    "José",
    "Łukasz",
    "Ngozi",
    "Aroha",
    "Søren",
    "Björn",
    "Anaïs",
    "François",
    "Siobhán",
    "D'Andre",
    "Ja'Net",
    "Sam 🚀",
    "Ana 🌻",
    "محمد",
    "فاطمة",
    "ليلى",
    "عمر",
    "דוד",
    "שרה",
    "נועה",
    "יונתן",
    "王芳",
    "さくら",
    "Ирина",
    "Дмитрий",
    "प्रिया",
    "Nguyễn Văn",
    "Emily",
    "Oliver",
    "Amara",
    "Kwame",
    "Mei",
    "Priya",
    "Mateo",
    "Fatima",
    "Noah",
    "Leilani",
    "Aiyana",
    "Thandiwe",
];

/// Family names (a few candidates have none at all).
pub const LAST_NAMES: &[&str] = &[
    "Locke",
    "Austen",
    "Shephard",
    "Reyes",
    "Kwon",
    "Hume",
    "Lewis",
    "Straume",
    "Cortez",
    "O'Brien",
    "D'Angelo",
    "McAllister",
    "van der Berg",
    "García Márquez",
    "Nguyễn",
    "Øvergaard",
    "Smith-Jones",
    "الحسيني",
    "بن علي",
    "כהן",
    "לוי",
    "田中",
    "Иванова",
    "Müller",
    "Ó Súilleabháin",
    "de la Cruz",
    "N'Diaye",
    "Okonkwo",
    "Takahashi",
    "Kowalski",
    "Johansson",
    "Fernández",
    "Papadopoulos",
    "Abdullah",
    "Chen",
    "Singh",
    "Haddad",
    "Mbeki",
    "Rossi",
    "Dubois",
];

/// Current employers of candidates.
pub const COMPANIES: &[&str] = &[
    "The Tustin Box Company",
    "Initech",
    "Globex",
    "Müller & Söhne GmbH",
    "O'Reilly Analytics",
    "شركة النور",
    "Tyrell <Corp>",
    "北京科技有限公司",
    "Dharma Initiative",
    "Oceanic Airlines",
    "Hanso Foundation",
    "Widmore Industries",
    "Paik Heavy Industries",
    "Mr. Cluck's",
    "Acme \"Rockets\"",
];

/// Current titles of candidates.
pub const TITLES: &[&str] = &[
    "Customer Success Representative",
    "Software Engineer",
    "Product Manager",
    "Data Scientist",
    "Designer",
    "Head of People",
    "מהנדסת תוכנה",
    "مهندس برمجيات",
    "Account Executive",
    "Site Reliability Engineer",
    "Recruiter",
    "Staff Engineer",
    "Student",
    "Founder & CEO",
];

/// Job titles; the generator prefixes a seniority and suffixes a city.
pub const JOB_TITLES: &[&str] = &[
    "Backend Engineer",
    "Frontend Engineer",
    "Product Designer",
    "Data Scientist",
    "Account Executive",
    "Customer Success Manager",
    "Recruiter",
    "Site Reliability Engineer",
    "Archaeologist",
    "Mobile Engineer (iOS)",
    "Staff Engineer, Platform",
    "Sales Development Rep",
    "People Partner",
    "Finance Analyst",
    "Security Engineer",
    "UX Designer",
    "Product Manager",
    "Machine Learning Engineer",
    "Technical Writer",
    "Office Manager",
];

pub const SENIORITY: &[&str] = &["", "", "Senior ", "Junior ", "Lead ", "Principal "];

/// Office names and their `location` strings (`None`: no location given).
pub const CITIES: &[(&str, Option<&str>)] = &[
    ("New York", Some("New York, NY, United States")),
    ("Boston", Some("Boston, MA, United States")),
    ("San Francisco", Some("San Francisco, California")),
    ("Berlin", Some("Berlin, Germany")),
    ("Tel Aviv", Some("תל אביב, Israel")),
    ("Dubai", Some("دبي, United Arab Emirates")),
    ("São Paulo", Some("São Paulo, Brazil")),
    ("Tokyo", Some("東京, Japan")),
    ("London", Some("London, United Kingdom")),
    ("Remote", None),
    ("Utica", Some("Utica, New York, United States")),
    ("Lagos", Some("Lagos, Nigeria")),
    ("Zürich", Some("Zürich, Switzerland")),
    ("Bengaluru", Some("Bengaluru, India")),
    ("Sydney", Some("Sydney, Australia")),
];

pub const DEPARTMENTS: &[&str] = &[
    "Engineering",
    "Product",
    "Design",
    "Sales",
    "Marketing",
    "Customer Success",
    "People",
    "Finance",
    "Legal",
    "Operations",
    "Research & Development",
    "Data",
];

/// Interview plan stages between "Application Review" and "Offer".
pub const MIDDLE_STAGES: &[&str] = &[
    "Preliminary Phone Screen",
    "Phone Interview",
    "Take Home Test",
    "Hiring Manager Review",
    "Face to Face",
    "Reference Check",
];

/// Interview steps (name, scheduling type, minutes).
pub const INTERVIEW_STEPS: &[(&str, &str, Option<i64>)] = &[
    ("Culture Fit", "needs_scheduling", Some(30)),
    ("Technical Interview", "needs_scheduling", Some(60)),
    ("Whiteboarding Challenge", "needs_scheduling", Some(45)),
    ("Executive Interview", "needs_scheduling", Some(60)),
    ("Portfolio Review", "needs_scheduling", Some(90)),
    ("Coding Exercise", "take_home_test", None),
    ("Phone Screen", "needs_scheduling", Some(30)),
    ("Reference Call", "needs_scheduling", Some(15)),
];

/// Sources: (name, strategy id, strategy name).
pub const SOURCES: &[(&str, i64, &str)] = &[
    ("Jobs page on your website", 1, "Company marketing"),
    ("LinkedIn (Prospecting)", 5, "Prospecting"),
    ("Referral", 2, "Referrals"),
    ("Agency", 3, "Agencies"),
    ("Meetups", 4, "Attend events"),
    ("Campus Job Fair", 4, "Attend events"),
    ("Indeed", 6, "Third-party boards"),
    ("Glassdoor", 6, "Third-party boards"),
    ("Other", 5, "Prospecting"),
    ("Destiny", 7, "Supernatural Means"),
];

/// Rejection reasons: (name, type id, type key, type name).
pub const REJECTION_REASONS: &[(&str, i64, &str, &str)] = &[
    ("Missing resume", 1, "WE_REJECTED_THEM", "We rejected them"),
    ("Not in NYC", 1, "WE_REJECTED_THEM", "We rejected them"),
    (
        "Lacking skill(s)/qualification(s)",
        1,
        "WE_REJECTED_THEM",
        "We rejected them",
    ),
    (
        "Another candidate was a better fit",
        1,
        "WE_REJECTED_THEM",
        "We rejected them",
    ),
    (
        "Took another offer",
        2,
        "THEY_REJECTED_US",
        "They rejected us",
    ),
    ("Compensation", 2, "THEY_REJECTED_US", "They rejected us"),
    ("Hiring Freeze", 3, "NONE_SPECIFIED", "None specified"),
    (
        "Failed background check",
        4,
        "SECURITY_CONCERN",
        "Security concern",
    ),
];

/// Close reasons; the first is used for openings filled by a hire.
pub const CLOSE_REASONS: &[&str] = &[
    "Hire - New Headcount",
    "Hire - Backfill",
    "Position cancelled",
    "Order cancelled",
    "Internal transfer",
];

/// Candidate tag names (unique: applied tags are matched by name in v1).
pub const TAGS: &[&str] = &[
    "Python",
    "Ruby",
    "Rails",
    "Junior",
    "Senior",
    "C++",
    "Go",
    "Silver medalist",
    "Relocation",
    "Don't have a job open for them now",
    "Import from Previous ATS",
    "🔥 Hot",
    "חוזר",
    "مرشح قوي",
    "Boomerang",
    "Diversity event",
    "Needs visa",
    "Referral bonus paid",
    "<script>",
    "Part-time only",
];

pub const INTERVIEWER_TAGS: &[&str] = &[
    "Senior Engineer",
    "Bar Raiser",
    "Design Panel",
    "Sales Panel",
];

/// Application questions and sample answers (`None`: left blank).
pub const ANSWERS: &[(&str, Option<&str>)] = &[
    ("How did you hear about this job?", Some("Online Research")),
    ("Website", Some("mytestwebsite.com")),
    ("Are you legally authorized to work here?", Some("Yes")),
    ("Anything else?", None),
    ("Preferred pronouns", Some("they/them")),
];

/// Job post questions: (label, name, answer type, required).
pub const POST_QUESTIONS: &[(&str, &str, &str, bool)] = &[
    ("First Name", "first_name", "short_text", true),
    ("Last Name", "last_name", "short_text", true),
    ("Email", "email", "short_text", true),
    ("Phone", "phone", "short_text", false),
    ("Resume", "resume", "attachment", true),
    ("Cover Letter", "cover_letter", "attachment", false),
];

pub const PHONE_TYPES: &[&str] = &["home", "work", "mobile", "skype", "other"];
pub const EMAIL_TYPES: &[&str] = &["personal", "work", "other"];
pub const WEBSITE_TYPES: &[&str] = &["personal", "company", "portfolio", "blog", "other"];
pub const TIME_ZONES: &[&str] = &[
    "America/New_York",
    "Europe/Berlin",
    "Asia/Jerusalem",
    "Asia/Tokyo",
    "UTC",
];
pub const LANGUAGES: &[&str] = &["en", "en", "en", "de", "fr", "ja", "iw", "es"];
pub const SCHOOLS: &[&str] = &[
    "University of Michigan - Ann Arbor",
    "Technion",
    "جامعة القاهرة",
    "ETH Zürich",
];
pub const DEGREES: &[&str] = &["Bachelor's Degree", "Master's Degree", "PhD", "High School"];
