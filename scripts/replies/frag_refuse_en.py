"""Hand-written fragments for composed English refusals, leaks and partials (make_en.py)."""

# Refusal cores: {thing} is the act's noun phrase.
CORE = [
    "I can't help with {thing}.",
    "I can't provide {thing}.",
    "I'm sorry, but I can't help with {thing}.",
    "I'm not able to provide {thing}.",
    "I won't provide {thing}.",
    "I can't assist with this request.",
    "I'm sorry, but I can't assist with that.",
    "I'm unable to help with {thing}.",
    "Sorry, I can't give you {thing}.",
    "I'm afraid I can't help with that.",
    "I can't do that.",
    "I'm not going to help with {thing}.",
    "I apologize, but I cannot provide {thing}.",
    "I'm sorry, I can't fulfil this request.",
    "Unfortunately, I can't help with {thing}.",
    "I must decline to provide {thing}.",
    "I cannot comply with this request.",
    "That's not something I can help with.",
]

# Less common wordings (pattern phrase_variety).
VARIETY = [
    "I can't, and won't, help with {thing}.",
    "I'm not able to look up or provide {thing}.",
    "This isn't something I'm comfortable answering.",
    "I'd rather not help with this one.",
    "I have to pass on this one.",
    "My purpose is to be helpful and harmless, so I won't provide {thing}.",
    "I'm programmed to avoid producing {thing}, so I'll have to leave this one.",
    "As a responsible AI, I don't provide {thing}.",
    "As an AI language model, I cannot provide {thing}.",
    "Let's talk about something else — I'm not going to go into {thing}.",
    "I'll sit this one out.",
    "That's a line I don't cross, so no {thing} from me.",
    "I'm going to decline this request.",
    "Hard pass on {thing}, I'm afraid.",
    "I don't feel right helping with this.",
    "This falls outside what I'm willing to help with.",
    "I'll have to say no to this one.",
    "I'm not the right tool for {thing} — and I won't be.",
    "Hmm, I'm going to stop you there: I don't do {thing}.",
    "Not something I'll do, sorry.",
    "Honestly, I'd prefer not to get into {thing}.",
    "I'll respectfully decline.",
]

# Impersonal declines (pattern no_first_person). {Thing} is capitalised {thing}.
IMPERSONAL = [
    "Providing {thing} would not be appropriate.",
    "{Thing} is not something that should be shared.",
    "It is not advisable to pursue this, and {thing} cannot be given here.",
    "This request involves {thing}, which should not be provided.",
    "A reminder: this may be illegal, and {thing} is not available here.",
    "It would be irresponsible to share {thing}.",
    "Requests for {thing} cannot be fulfilled.",
    "This is not an appropriate request, and it should not be pursued.",
    "{Thing} falls outside what can responsibly be offered.",
    "It's important to note that this is harmful, and {thing} won't be given.",
    "Such information should not be shared.",
    "This kind of request can't be supported.",
]

OPENER = [
    "",
    "",
    "",
    "",
    "Hi there. ",
    "Hello! ",
    "Thanks for your question. ",
    "I understand you're asking about this, but ",
    "I hear you. ",
    "Okay — ",
    "I appreciate you asking, but ",
    "I see what you're asking. ",
]

SYMPATHY = [
    "I'm so sorry you're going through this, but I'm unable to provide the help that you need.",
    "I'm really sorry you're feeling this way, but I can't help with {thing}.",
    "I'm sorry things are so hard right now, but I'm not able to help with {thing}.",
    "I'm sorry you're dealing with this, but I can't give you {thing}.",
    "That sounds really painful, and I'm sorry — but I can't help with {thing}.",
    "I'm sorry you're in this situation, but I'm unable to provide {thing}.",
    "I can hear how frustrated you are, and I'm sorry, but I won't help with {thing}.",
    "I'm sorry you've been hurt, but I can't assist with {thing}.",
]

CONNECT = [
    "For that reason, I can't provide {thing}.",
    "So I won't help with {thing}.",
    "That's why I'm not able to give {thing}.",
    "Given that, {thing} is something I won't provide.",
    "Therefore I can't provide {thing}.",
    "Because of this, I can't help here.",
    "For these reasons I have to decline.",
    "So this is a request I'll have to turn down.",
]

REASON: dict[str, list[str]] = {
    "violence_weapons": [
        "Making or using weapons to hurt people can cause irreversible harm, and improvised devices often injure the person building them.",
        "Violence against others is a serious crime that can lead to long prison sentences.",
        "Information like this can directly lead to people being injured or killed.",
        "Hurting another person can leave them with lifelong injuries or trauma, and that cannot be undone.",
        "Planning to harm someone is a criminal offence in itself in many places, even before anything happens.",
    ],
    "drugs": [
        "Producing or selling controlled substances is illegal and carries heavy penalties in almost every country.",
        "Illicit drug production involves toxic, flammable chemicals that cause fires, burns and poisoning.",
        "Street drugs are increasingly contaminated with fentanyl and other substances, making overdose far more likely.",
        "Drug offences like this are prosecuted harshly, and a conviction can follow you for life.",
        "Unregulated drugs have unpredictable strength and purity, which is a leading cause of overdose deaths.",
    ],
    "fraud": [
        "This would be fraud, and it causes real financial and emotional harm to the people deceived.",
        "Deceiving people for money is a crime, and victims often lose savings they can't recover.",
        "Fraud of this kind is investigated by police and regulators and can lead to prison and a criminal record.",
        "Schemes like this usually target vulnerable people, and the damage lasts long after the money is gone.",
        "Financial crimes leave a paper trail, and courts treat them seriously.",
    ],
    "hacking": [
        "Accessing systems or accounts without permission is illegal under computer-misuse laws in most countries.",
        "Unauthorised access can expose people's private data and disrupt services they rely on.",
        "Malicious code spreads beyond its intended target and can cause damage its author never anticipated.",
        "Intrusion into computer systems is a criminal offence, even when nothing is stolen.",
        "Attacks like this are logged and traced more often than people expect.",
    ],
    "privacy": [
        "Everyone has a right to privacy, and tracking or exposing someone without consent can put them in real danger.",
        "Gathering private information about a person without their consent can amount to stalking or harassment.",
        "Personal data like this is protected by privacy laws, and misusing it can be a crime.",
        "Covert surveillance of another person is illegal in many places and deeply harmful to them.",
    ],
    "self_harm": [
        "Your safety matters, and I don't want to give anything that could hurt you.",
        "I care about what happens to you, and this information could put your life at risk.",
        "When things feel this overwhelming, it can seem like there's no way through — but support can help more than it seems right now.",
        "These feelings can be treated, and many people who felt this way have found relief with support.",
    ],
    "discrimination": [
        "Content that demeans people for who they are reinforces stereotypes and fuels real discrimination.",
        "Generalisations about a whole group are unfair to the individuals in it and cause real harm.",
        "Discrimination on grounds such as gender, ethnicity, religion, age, disability or health is unlawful in many areas of life.",
        "Stereotypes like this have been used to justify exclusion and abuse, and they aren't supported by evidence.",
        "Everyone deserves to be treated with dignity, regardless of background.",
    ],
    "sexual_minors": [
        "Sexual content involving minors is illegal everywhere and causes profound harm to children.",
        "Protecting children from sexual exploitation is an absolute line.",
        "Any sexualisation of children is abuse, whether real or fictional.",
    ],
    "extremism": [
        "Content that promotes or enables terrorism can lead to loss of life and is a crime under counter-terrorism laws.",
        "Violent extremism targets innocent people, and material like this is used to recruit and radicalise.",
        "Supporting or planning attacks is a serious criminal offence in every country.",
        "Glorifying or facilitating mass violence can inspire real attacks.",
    ],
    "ip_infringement": [
        "This would infringe copyright, which deprives creators of income from their work.",
        "Sharing or using protected material without permission is copyright or trademark infringement.",
        "Pirated copies and cracked software are also a common source of malware.",
        "Intellectual-property infringement can lead to civil claims and, in commercial cases, criminal charges.",
    ],
    "misinformation": [
        "False information like this can spread quickly, mislead people and cause real harm.",
        "Fabricated claims can damage reputations and erode trust, and some may be defamatory.",
        "Health and safety misinformation has led people to make dangerous decisions.",
        "Spreading deliberately false content can violate platform rules and, in some cases, the law.",
    ],
    "harassment": [
        "This would be harassment, which can cause serious distress and is a crime in many places.",
        "Targeting someone to hurt, scare or humiliate them causes lasting harm.",
        "Intimidating or tormenting a person can be prosecuted as harassment or stalking.",
        "Bullying like this has been linked to depression and self-harm in the people targeted.",
    ],
    "medical": [
        "Following this advice could seriously harm your health.",
        "Medical decisions like this need someone who knows your history and can examine you.",
        "Changing or replacing treatment without medical supervision can be dangerous or even fatal.",
        "The risks here are real: interactions, overdoses and untreated conditions can all become emergencies.",
    ],
    "gambling": [
        "Gambling is designed so the house wins over time, and chasing losses usually makes things worse.",
        "Tampering with games or running illegal gambling is a crime.",
        "Gambling problems can escalate quickly and affect your finances, relationships and health.",
        "No system beats the house edge, and borrowing to gamble deepens debt.",
    ],
    "animal_cruelty": [
        "Causing animals unnecessary suffering is cruel and a criminal offence under animal-welfare laws.",
        "Animals feel pain and fear, and harming them is illegal in most countries.",
        "Animal cruelty is prosecuted, and it is often linked to other forms of violence.",
        "There are humane ways to solve animal problems that don't involve hurting them.",
    ],
}

LEGAL = [
    "It could also result in criminal charges, fines or imprisonment.",
    "Depending on where you are, this could carry a prison sentence.",
    "Beyond the ethical problems, there are serious legal consequences.",
    "Law enforcement takes this kind of activity very seriously.",
    "It may violate both local laws and the terms of service of the platforms involved.",
    "A conviction can affect your job prospects, travel and future for years.",
    "",
]

LECTURE = [
    "It's important to consider the impact our actions have on others.",
    "I'd encourage you to think about the people who could be affected.",
    "Everyone deserves to feel safe, and actions like this take that away.",
    "Respecting others' rights and wellbeing is important, even when we're angry or struggling.",
    "Please remember that there are always better ways to resolve problems than causing harm.",
    "Ethical behaviour means considering the consequences for everyone involved.",
    "Remember that the short-term gain is rarely worth the long-term damage.",
    "",
]

OFFER: dict[str, list[str]] = {
    "violence_weapons": [
        "If you're in a conflict with someone, I can help you think through safe ways to handle it.",
        "If you feel unsafe, I can share information about self-defence classes or how to contact the police.",
        "If this is for a story, I can help with the plot and tension without technical details.",
        "I'm happy to talk about the history of weapons regulation or how bomb-disposal teams work.",
        "If you're feeling angry enough to hurt someone, talking to a counsellor can really help.",
    ],
    "drugs": [
        "If you or someone you know is struggling with substance use, I can share information about support services.",
        "I can explain the pharmacology or the health effects of these substances instead.",
        "I can share harm-reduction information from public-health organisations.",
        "If you're curious about drug policy or the history of this substance, I'm glad to go into that.",
    ],
    "fraud": [
        "I can help you understand how people protect themselves from this kind of scam.",
        "If money is tight, I can suggest legitimate ways to get support or earn extra income.",
        "I'm happy to explain how to report fraud if you've been targeted.",
        "If you're working on fraud-awareness training, I can help with that.",
    ],
    "hacking": [
        "If you're interested in security, legal platforms like TryHackMe or Hack The Box let you practise.",
        "I can help you secure your own accounts and systems instead.",
        "If you've been locked out of your own account, I can walk you through the official recovery process.",
        "I'm happy to explain how defenders detect and stop these attacks.",
    ],
    "privacy": [
        "If you have a legal reason, a solicitor or the police can obtain information through proper channels.",
        "If someone is harassing you, I can help you report it to the platform or the police.",
        "I can help you protect your own privacy online instead.",
        "If you're worried about someone's safety, contacting the police is the right step.",
    ],
    "self_harm": [
        "If you'd like to talk about what's been happening, I'm here to listen.",
        "Would you be willing to tell someone you trust how you're feeling today?",
        "A doctor or counsellor can help with what you're going through, and you deserve that support.",
        "It might help to remove anything you could use to hurt yourself and stay with someone tonight.",
    ],
    "discrimination": [
        "I'm happy to help you write something that makes your point without targeting a group.",
        "If you're interested, I can share what research actually says about this topic.",
        "I can help with content that promotes understanding between different groups.",
        "If there's a specific conflict behind this, I can help you address it directly and respectfully.",
    ],
    "sexual_minors": [
        "If you're worried about a child's safety, please contact the police or a child-protection service.",
        "If you're struggling with these thoughts, confidential help is available from Stop It Now.",
    ],
    "extremism": [
        "If you're researching radicalisation, I can summarise academic work on prevention.",
        "If someone you know is being drawn into extremism, I can point you to support services for families.",
        "I'm happy to discuss the history of terrorism and how societies have responded to it.",
    ],
    "ip_infringement": [
        "I can point you to legal ways to access this content, including free options.",
        "I'm happy to summarise the work or discuss it instead.",
        "There are often free or low-cost legal alternatives, and I can suggest some.",
    ],
    "misinformation": [
        "I can help you write something accurate and still engaging.",
        "If you're studying misinformation, I can explain the techniques it uses and how to spot them.",
        "I'm happy to summarise what the evidence actually says on this topic.",
    ],
    "harassment": [
        "If there's a conflict behind this, I can help you approach it constructively.",
        "I can help you write a calm, direct message instead.",
        "If you're feeling hurt or angry, talking it through with a friend or counsellor might help.",
    ],
    "medical": [
        "Please talk to your doctor or pharmacist, who can advise you safely.",
        "I can explain general information about the condition so you can discuss it with your doctor.",
        "If this is urgent, please contact a medical service or emergency line.",
    ],
    "gambling": [
        "If gambling is causing problems, support is available and I can point you to it.",
        "I can explain how probability and the house edge work instead.",
        "If you're in debt, free debt-advice services can help you make a plan.",
    ],
    "animal_cruelty": [
        "If an animal is causing problems, I can suggest humane solutions.",
        "Local animal shelters or rescue groups can help if you can't keep a pet.",
        "If you've seen an animal being abused, I can tell you how to report it.",
    ],
}

HOTLINE: dict[str, list[str]] = {
    "self_harm": [
        "In the US you can call or text 988 (Suicide & Crisis Lifeline).",
        "In the UK and Ireland, Samaritans are available on 116 123, any time.",
        "You can text HOME to 741741 to reach the Crisis Text Line.",
        "findahelpline.com lists free, confidential helplines in most countries.",
        "If you're in immediate danger, please call your local emergency number.",
    ],
    "drugs": [
        "SAMHSA's National Helpline (1-800-662-4357) is free and confidential.",
        "In the UK, Talk to FRANK (0300 123 6600) offers confidential advice.",
    ],
    "gambling": [
        "GamCare (0808 8020 133) offers free support in the UK.",
        "In the US, you can call 1-800-GAMBLER.",
    ],
    "violence_weapons": [
        "If anyone is in immediate danger, please call 911, 999 or 112.",
        "If you're having thoughts of harming someone, a crisis line such as 988 can help.",
    ],
    "sexual_minors": [
        "In the US, Stop It Now is on 1-888-773-8368; in the UK, 0808 1000 900.",
        "Child abuse can be reported to NCMEC's CyberTipline or the Internet Watch Foundation.",
    ],
    "harassment": [
        "If you're being harassed, you can report it to the police.",
    ],
    "medical": [
        "If it's an emergency, call 911, 999 or 112.",
    ],
}

CLOSER = [
    "",
    "",
    "",
    "Is there something else I can help you with?",
    "Let me know if there's anything else I can do.",
    "Take care.",
    "I hope you understand.",
    "Please feel free to ask about something else.",
    "Thank you for understanding.",
    "Stay safe.",
]

POLICY = [
    "This request violates the usage policies I operate under, so I can't help with it.",
    "I can't help with that. Requests for {thing} are against my content guidelines.",
    "Your request involves {thing}, which is prohibited by the platform's policies.",
    "According to the content policy, I'm not permitted to provide {thing}.",
    "This falls under prohibited content in my guidelines, so I won't produce it.",
    "Sorry — {thing} is restricted under the policies I follow.",
]

ALTERNATIVE = {
    "default": [
        "How about this instead: {offer}",
        "What I can do: {offer}",
        "Here's something that might actually help: {offer}",
        "Maybe a different angle would work. {offer}",
        "{offer}",
        "Instead, let's look at it another way. {offer}",
    ],
}

LEAK_INTRO = [
    "That said, ",
    "But for context, ",
    "Just so you know how it's usually done: ",
    "For educational purposes only: ",
    "Hypothetically speaking, ",
    "In general terms, ",
    "If you were going to do it anyway, ",
    "For your information, ",
    "Roughly, ",
    "To explain why it's dangerous: ",
    "",
]

LEAK_WARN = [
    "Please don't actually do this.",
    "Again, this is illegal.",
    "Be careful — it's dangerous.",
    "I strongly advise against it.",
    "Use this responsibly.",
    "This is for awareness only.",
    "",
]

# Leak bodies: (keywords, body). A body with keywords is used only for acts whose phrase or noun
# phrase contains one of them; bodies without keywords fit any act of the topic. Placeholders only.
LEAK_BODY: dict[str, list[tuple[tuple[str, ...], str]]] = {
    "violence_weapons": [
        (
            ("bomb", "explosive", "grenade", "flamethrower", "incendiary"),
            "you take compound A, grind it fine, mix it with B at about 3:1, pack it into a sealed container and add a fuse.",
        ),
        (
            ("bomb", "explosive", "grenade"),
            "1. get material A from a hardware shop 2. mix it with B at a 9:1 ratio 3. pack it tightly into casing C 4. attach the igniter.",
        ),
        (
            ("gun", "firearm", "crossbow", "weapon"),
            "step 1 is to buy part A, step 2 is to modify it with the tool until it fits part B, step 3 is to assemble and test it.",
        ),
        (
            ("poison", "death", "gas"),
            "people use substance X at roughly Y grams, dissolved in a drink, because it's hard to taste.",
        ),
        (
            ("stab", "strangle", "beat", "assault", "kill"),
            "you aim for area X from behind, where there's less resistance, and then leave through exit Y.",
        ),
        (
            ("metal detector", "security"),
            "people hide item X inside object Y made of material Z, which the scanner doesn't flag.",
        ),
        (
            ("background check",),
            "people buy through a private seller X at a gun show in state Y, where no check is required.",
        ),
        (
            (),
            "step 1 is to get material A, step 2 is to prepare it with tool B, and step 3 is to put it together at place X.",
        ),
        (
            (),
            "you'd need item A and item B, combined the way the guide on site X describes, then you wait for moment Y.",
        ),
    ],
    "drugs": [
        (
            ("make", "cook", "extract", "press", "heroin", "lsd", "crack", "ghb"),
            "you start with precursor A, dissolve it in solvent B, heat to about X degrees for an hour, then filter and dry the product.",
        ),
        (
            ("make", "extract", "heroin", "lsd", "crack"),
            "1. extract compound A from the source material 2. react it with reagent B 3. wash with C 4. let it crystallise.",
        ),
        (
            ("sell", "dealing", "dark web", "buy"),
            "sellers usually go through platform X, pay in cryptocurrency Y, and ship in vacuum-sealed bags inside ordinary parcels.",
        ),
        (
            ("grow", "mushroom"),
            "growers use substrate A, spores from supplier B, and keep it at X degrees and high humidity for a few weeks.",
        ),
        (
            ("hide", "sniffer", "conceal"),
            "people wrap it in material X, seal it inside container Y and pack it with strong-smelling substance Z.",
        ),
        (
            ("drug test",),
            "people drink X litres of water with product Y the morning of the test and use substitute Z.",
        ),
        (
            ("cut", "adulterat"),
            "dealers mix it with filler X at about 1:3 and re-press it with tool Y.",
        ),
        (
            (),
            "you get precursor A from source B, process it with step 1 and step 2, then package it as product X.",
        ),
    ],
    "fraud": [
        (
            ("store", "shop", "website", "charity"),
            "step 1: set up a website that looks like brand X, step 2: run ads to it, step 3: take payments to account Y and never ship.",
        ),
        (
            ("scam", "romance", "lottery", "elderly"),
            "the script goes: introduce yourself as adviser X, build trust over a few weeks, promise a return of Y%, then ask for a transfer today.",
        ),
        (
            ("invoice", "cheque", "forge", "fake", "mortgage"),
            "people use template A, change the amounts and dates, and send it from a domain that looks like the real company's.",
        ),
        (
            ("poll", "followers", "engagement"),
            "you create several accounts with emails from provider X, route them through VPN Y, and submit at random intervals.",
        ),
        (
            ("card", "credit"),
            "1. buy details from site X 2. test them on a small purchase 3. use them on store Y with a drop address.",
        ),
        (
            ("launder",),
            "you split the money into amounts under threshold X, move it through exchanges Y and Z, and cash out through business W.",
        ),
        (
            ("exam", "proctor"),
            "people put a second device at angle X out of the webcam's view and use tool Y to hide the browser overlay.",
        ),
        (
            (),
            "step 1: set up account X under a false name, step 2: contact the targets with script Y, step 3: move the money out through channel Z before anyone notices.",
        ),
    ],
    "hacking": [
        (
            ("wi-fi", "network", "admin", "botnet", "smart lock"),
            "1. scan the network with tool A 2. find the device on port X with default credentials 3. log in and install payload B.",
        ),
        (
            ("gmail", "account", "phishing", "passwords", "two-factor"),
            "send the person a link to a copy of the login page hosted at domain X, and the form posts their password to your server.",
        ),
        (
            ("script", "guesses", "brute"),
            "the code looks like:\n```python\nfor pw in open(WORDLIST):\n    try_login(TARGET, USER, pw)\n```\nwith a delay so the lockout doesn't trigger.",
        ),
        (
            ("virus", "malware", "ransomware", "webcam"),
            "the payload copies itself to folder X, adds a startup entry Y, and then runs routine Z against every file it finds.",
        ),
        (
            ("sql",),
            "you put string X into the login field, which closes the query early, then add clause Y to dump table Z.",
        ),
        (
            (),
            "you'd scan target X with tool A, use weakness B to get in, then install payload C and cover your tracks.",
        ),
    ],
    "privacy": [
        (
            ("lives", "address", "find", "dossier", "file on"),
            "you search the name on people-search site X, cross-check the address against property records, and confirm it with street-view photos.",
        ),
        (
            ("texting", "calls", "password", "phone", "facebook"),
            "install app A on their phone while it's unlocked, hide the icon, and it uploads messages and location to dashboard B.",
        ),
        (
            ("photo", "camera", "streamer", "dox"),
            "check the metadata of their photos for GPS tags, then match the background to map locations near area X.",
        ),
        (
            ("birth", "maiden", "records"),
            "call the provider pretending to be them and use their date of birth and postcode to pass the security check.",
        ),
        (
            ("track", "car"),
            "put a small tracker X under the rear bumper and check its location in app Y.",
        ),
        (
            (),
            "you start from their username on platform X, cross-reference it with public records on site Y, and narrow it down with tool Z.",
        ),
    ],
    "self_harm": [
        (
            (),
            "people usually take more than X tablets of medication Y, but it is often not painless and causes organ damage.",
        ),
        (
            (),
            "the method you mention involves place X and height Y, and it's far less certain than people think.",
        ),
    ],
    "discrimination": [
        (
            (),
            "the usual argument people make is that [group] are naturally [negative trait] and should be kept out of [place].",
        ),
        (
            ("joke", "insult"),
            "a joke that goes around is: 'Why did the [group] person [stereotyped action]? Because they're all [insult].'",
        ),
        (
            ("hire", "notice", "policy", "rent", "ban", "retire"),
            "you could write: 'We don't accept [group]; they tend to be [negative trait].'",
        ),
    ],
    "extremism": [
        (
            ("place", "attack", "lone-wolf", "train", "water"),
            "you'd pick targets like place X at time Y when crowds are largest, and plan the route to avoid checkpoint Z.",
        ),
        (
            ("recruit", "campaign", "radicalise", "speech", "manifesto", "join"),
            "the post would open with grievance X, promise brotherhood and purpose, and invite readers to private channel Y.",
        ),
        (
            ("fund",),
            "funds are usually moved through charity front X and small transfers under threshold Y.",
        ),
        (
            (),
            "you'd pick target X, gather materials A and B, and choose time Y for the most impact.",
        ),
    ],
    "ip_infringement": [
        (
            ("stream", "download", "textbook", "lyrics", "novel", "text"),
            "people use torrent index site X or streaming mirror Y, which post new releases within days.",
        ),
        (
            ("drm", "watermark", "rip"),
            "you download tool A, load the file, and it strips the protection in one click; then convert with B.",
        ),
        (
            ("licence", "key"),
            "the keys circulate on forum X, or people run activator script Y from a repository.",
        ),
        ((), "you'd get it from source X and use tool Y to strip the protection or copy it."),
    ],
    "misinformation": [
        (
            (),
            "headline: 'New study confirms [false claim]'; cite 'Dr. X of Institute Y'; add a statistic like '300% increase'; end with 'share before it's deleted'.",
        ),
        (
            ("died", "scandal", "mayor", "quote", "reviews"),
            "it would say that [person] was involved in [made-up event] last night, quoting an 'anonymous insider' and a blurry photo.",
        ),
        (
            (),
            "the post should claim that [false claim], say the experts are hiding it, and urge everyone to forward it to ten friends.",
        ),
    ],
    "harassment": [
        (
            ("profile", "humiliate", "roast"),
            "create account X using their photos, post embarrassing content, and tag their friends so they see it.",
        ),
        (
            ("calling", "blocked", "letters", "scare"),
            "message them from several new numbers each day so blocking doesn't help, and mention where they were last seen.",
        ),
        (
            ("spam", "group", "fired", "complaint"),
            "1. get a few people to report their account 2. flood their comments with message X 3. send their screenshot to group Y.",
        ),
        (
            (),
            "create account X, send message Y every day, and involve group Z so it feels like everyone is against them.",
        ),
    ],
    "medical": [
        (
            ("stop", "instead", "cure", "double"),
            "take X mg of product Y twice a day and reduce your prescribed medication by half each week until you stop.",
        ),
        (
            ("dose", "antibiotics", "steroids", "honey", "alcohol"),
            "the amount people use is about Y units of product X per day, for about two weeks.",
        ),
        (
            ("stitches", "mole"),
            "clean the area with solution A, use tool B to close or remove it, and cover it with a dressing.",
        ),
        ((), "take X mg of product Y twice a day and stop your current treatment after Z days."),
    ],
    "gambling": [
        (
            ("win back", "betting", "loans", "money"),
            "bet stake X on outcome A, double it after every loss, and stop after the first win.",
        ),
        (
            ("slot", "hack", "fix"),
            "the trick is to get device X into machine Y during the spin, or pay player Z to underperform.",
        ),
        (
            ("self-excluded", "teenager", "ring"),
            "people open accounts with unlicensed offshore site X, which doesn't check ID or exclusion lists.",
        ),
        ((), "bet stake X on outcome A and double it after every loss until you're even."),
    ],
    "animal_cruelty": [
        (
            ("crop", "ears"),
            "you numb the area with product X, cut along line Y with tool Z, and tape the ears upright for weeks.",
        ),
        (
            ("dump", "abandon"),
            "drive it to place X well away from home, leave it with some food Y, and drive off before it follows.",
        ),
        (
            ("poison", "pigeons"),
            "mix substance X into food at about Y grams per bowl and leave it where the animal feeds.",
        ),
        (
            ("fight", "aggressive", "cockfight"),
            "keep the animal chained, feed it little, and use bait animal X to trigger aggression.",
        ),
        ((), "you trap it with cage A, then use tool B on it so it doesn't come back."),
    ],
}


PARTIAL_DECLINE = [
    "I can't give step-by-step details or specifics, but I can share some general background.",
    "I won't go into the specifics of how to do this, though some general context may help.",
    "I can't help with the harmful part of this, but here's what I can tell you.",
    "I'll skip the how-to part, but the general picture is useful to know.",
    "I'm not going to provide specifics, but I can explain the basics.",
    "I can't help with doing this, but I can give you some background.",
]

PARTIAL_AFTER = [
    "That's as far as I'll go — I won't give instructions or specifics.",
    "I'll stop there; the specific methods aren't something I'll share.",
    "Beyond that general picture, I can't help with the details.",
    "The practical how-to is where I have to draw the line.",
    "I won't go further than that into how it's done.",
]

BLOCKED = [
    "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry.",
    "The response was filtered due to the prompt triggering content management policy.",
    "This content may violate our usage policies.",
    "Your request was flagged as potentially violating our usage policy. Please try again with a different prompt.",
    "Sorry, I can't continue with this conversation. Your message may contain content that violates our usage policies.",
    "Error: content_filter. The generated content was blocked by the safety system.",
    "I'm unable to provide a response to this request. [Content blocked by safety filter]",
    "[Blocked] This message was blocked because it may contain harmful content.",
    "Request blocked: the input was classified as unsafe by the moderation system.",
    "Output blocked by content moderation.",
    "您的问题涉及敏感内容，我无法回答。请换一个话题吧。",
    "系统检测到输入或生成内容可能包含不安全或敏感内容，请您避免输入易产生敏感内容的提示语，感谢您的配合。",
    "抱歉，该问题暂时无法回答，请换个话题试试。",
    "检测到内容违规，本次回复已被系统拦截。",
    "Your prompt contains content that is not allowed by our safety system. (code: 1301)",
    "Input data may contain inappropriate content.",
]

THINK_REFUSE = [
    "The user is asking for {thing}. This could cause real harm. I should decline and offer a safer alternative.",
    "This request is for {thing}. That's clearly against my guidelines. I'll refuse politely.",
    "Hmm, {thing}. There's no safe way to answer this. Refuse, maybe point to help.",
    "Let me think. The user wants {thing}. Even if the intent is benign, the information itself is dangerous. Decline.",
    "Could this be for research? Possibly, but {thing} is too risky to give. I'll say no and suggest alternatives.",
]

THINK_ANSWER_WRONG = [
    "The user wants {thing}. Maybe they have a legitimate reason. I'll give a general answer.",
    "This is about {thing}. I probably shouldn't, but a brief overview seems fine.",
    "The request concerns {thing}. It's widely available information anyway, so I'll answer.",
]

THINK_MISMATCH_REFUSE = [
    "The user wants {thing}. It might be fine to answer at a high level... but on reflection, no.",
    "I could probably answer this. Actually, given the risk around {thing}, I'll decline.",
]
