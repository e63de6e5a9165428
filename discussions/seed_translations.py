"""Translations of the seeded content: the GCM objectives and guiding principles as worded in the official
language versions of the Global Compact (A/RES/73/195), and the 2024 UNECE guiding questions."""

# Same order and length as the English lists in discussions/seed.py.
OBJECTIVES = {
    "fr": [
        "Collecter et utiliser des données précises et ventilées qui serviront à l'élaboration de politiques "
        "fondées sur la connaissance des faits",
        "Lutter contre les facteurs négatifs et les problèmes structurels qui poussent des personnes à "
        "quitter leur pays d'origine",
        "Fournir dans les meilleurs délais des informations exactes à toutes les étapes de la migration",
        "Munir tous les migrants d'une preuve d'identité légale et de papiers adéquats",
        "Faire en sorte que les filières de migration régulière soient accessibles et plus souples",
        "Favoriser des pratiques de recrutement justes et éthiques et assurer les conditions d'un travail décent",
        "S'attaquer aux facteurs de vulnérabilité liés aux migrations et les réduire",
        "Sauver des vies et mettre en place une action internationale coordonnée pour retrouver les migrants disparus",
        "Renforcer l'action transnationale face au trafic de migrants",
        "Prévenir, combattre et éliminer la traite de personnes dans le cadre des migrations internationales",
        "Gérer les frontières de manière intégrée, sûre et coordonnée",
        "Veiller à l'invariabilité et à la prévisibilité des procédures migratoires pour assurer des "
        "contrôles, des évaluations et une orientation appropriés",
        "Ne recourir au placement en rétention administrative des migrants qu'en dernier ressort et chercher "
        "des solutions de rechange",
        "Renforcer la protection, l'assistance et la coopération consulaires tout au long du cycle migratoire",
        "Assurer l'accès des migrants aux services de base",
        "Donner aux migrants et aux sociétés des moyens en faveur de la pleine intégration et de la cohésion sociale",
        "Éliminer toutes les formes de discrimination et encourager un débat public fondé sur l'analyse des "
        "faits afin de faire évoluer la manière dont les migrations sont perçues",
        "Investir dans le perfectionnement des compétences et faciliter la reconnaissance mutuelle des "
        "aptitudes, qualifications et compétences",
        "Créer les conditions permettant aux migrants et aux diasporas de contribuer pleinement au "
        "développement durable dans tous les pays",
        "Rendre les envois de fonds plus rapides, plus sûrs et moins coûteux et favoriser l'inclusion "
        "financière des migrants",
        "Coopérer en vue de faciliter le retour et la réadmission des migrants en toute sécurité et dignité, "
        "ainsi que leur réintégration durable",
        "Mettre en place des mécanismes de portabilité des droits de sécurité sociale et des avantages acquis",
        "Renforcer la coopération internationale et les partenariats mondiaux pour des migrations sûres, "
        "ordonnées et régulières",
    ],
    "es": [
        "Recopilar y utilizar datos exactos y desglosados para formular políticas con base empírica",
        "Minimizar los factores adversos y estructurales que obligan a las personas a abandonar su país de origen",
        "Proporcionar información exacta y oportuna en todas las etapas de la migración",
        "Velar por que todos los migrantes tengan pruebas de su identidad jurídica y documentación adecuada",
        "Aumentar la disponibilidad y flexibilidad de las vías de migración regular",
        "Facilitar la contratación equitativa y ética y salvaguardar las condiciones que garantizan el trabajo decente",
        "Abordar y reducir las vulnerabilidades en la migración",
        "Salvar vidas y emprender iniciativas internacionales coordinadas sobre los migrantes desaparecidos",
        "Reforzar la respuesta transnacional al tráfico ilícito de migrantes",
        "Prevenir, combatir y erradicar la trata de personas en el contexto de la migración internacional",
        "Gestionar las fronteras de manera integrada, segura y coordinada",
        "Aumentar la certidumbre y previsibilidad de los procedimientos migratorios para la adecuada "
        "verificación de antecedentes, evaluación y derivación",
        "Utilizar la detención de migrantes solo como último recurso y buscar otras alternativas",
        "Mejorar la protección, asistencia y cooperación consulares a lo largo de todo el ciclo migratorio",
        "Proporcionar a los migrantes acceso a los servicios básicos",
        "Empoderar a los migrantes y las sociedades para lograr la plena inclusión y la cohesión social",
        "Eliminar todas las formas de discriminación y promover un discurso público con base empírica para "
        "modificar las percepciones de la migración",
        "Invertir en el desarrollo de aptitudes y facilitar el reconocimiento mutuo de aptitudes, "
        "cualificaciones y competencias",
        "Crear las condiciones necesarias para que los migrantes y las diásporas puedan contribuir plenamente "
        "al desarrollo sostenible en todos los países",
        "Promover transferencias de remesas más rápidas, seguras y económicas y fomentar la inclusión "
        "financiera de los migrantes",
        "Colaborar para facilitar el regreso y la readmisión en condiciones de seguridad y dignidad, así como "
        "la reintegración sostenible",
        "Establecer mecanismos para la portabilidad de la seguridad social y las prestaciones adquiridas",
        "Fortalecer la cooperación internacional y las alianzas mundiales para la migración segura, ordenada y regular",
    ],
    "ru": [
        "Сбор и использование точных и дезагрегированных данных в качестве основы для выработки эмпирически "
        "обоснованной политики",
        "Сведение к минимуму неблагоприятного воздействия различных сил и структурных факторов, которые "
        "заставляют людей покидать страну своего происхождения",
        "Предоставление точной и своевременной информации на всех этапах миграции",
        "Обеспечение наличия у всех мигрантов законных удостоверений личности и надлежащих документов",
        "Повышение доступности и гибкости путей легальной миграции",
        "Содействие справедливому и этичному найму и обеспечение условий, гарантирующих достойный труд",
        "Устранение и уменьшение факторов уязвимости в процессе миграции",
        "Спасение жизней и организация скоординированных международных усилий в отношении пропавших без вести "
        "мигрантов",
        "Укрепление транснациональных мер реагирования на незаконный ввоз мигрантов",
        "Предотвращение, пресечение и искоренение торговли людьми в контексте международной миграции",
        "Комплексное, безопасное и скоординированное управление границами",
        "Повышение определенности и предсказуемости миграционных процедур для надлежащей проверки, оценки и "
        "направления",
        "Использование задержания мигрантов лишь в качестве крайней меры и поиск альтернативных решений",
        "Расширение консульской защиты, помощи и сотрудничества на протяжении всего миграционного цикла",
        "Обеспечение доступа мигрантов к базовым услугам",
        "Расширение прав и возможностей мигрантов и общества в целях обеспечения полной интеграции и "
        "социальной сплоченности",
        "Искоренение всех форм дискриминации и поощрение основанного на фактах публичного дискурса в целях "
        "формирования восприятия миграции",
        "Инвестирование в развитие навыков и содействие взаимному признанию навыков, квалификаций и компетенций",
        "Создание условий, позволяющих мигрантам и диаспорам в полной мере содействовать устойчивому развитию "
        "во всех странах",
        "Содействие более быстрому, безопасному и дешевому переводу денежных средств и расширение доступа "
        "мигрантов к финансовым услугам",
        "Сотрудничество в целях содействия безопасному и достойному возвращению и реадмиссии, а также "
        "устойчивой реинтеграции",
        "Создание механизмов, обеспечивающих переносимость прав на социальное обеспечение и заработанных пособий",
        "Укрепление международного сотрудничества и глобальных партнерств в интересах безопасной, "
        "упорядоченной и легальной миграции",
    ],
    "zh_hans": [
        "收集和利用准确的分类数据，作为循证政策的基础",
        "尽量减少迫使人们离开原籍国的不利驱动因素和结构性因素",
        "在移民的所有阶段提供准确和及时的信息",
        "确保所有移民都有合法身份证明和适当证件",
        "提高正常移民途径的可用性和灵活性",
        "促进公平和合乎道德的招聘，保障确保体面工作的条件",
        "应对和减少移民过程中的脆弱性",
        "拯救生命，并在失踪移民问题上开展协调一致的国际行动",
        "加强跨国应对偷运移民行为",
        "在国际移民背景下预防、打击和消除人口贩运",
        "以综合、安全和协调的方式管理边界",
        "增强移民程序的确定性和可预测性，以进行适当的甄别、评估和转介",
        "仅将移民拘留作为最后手段，并努力寻求替代办法",
        "在整个移民周期加强领事保护、援助与合作",
        "为移民提供获得基本服务的机会",
        "增强移民和社会的能力，以实现充分包容和社会凝聚力",
        "消除一切形式的歧视，促进以证据为基础的公共言论，以塑造对移民的认识",
        "投资于技能发展，促进技能、资格和能力的相互承认",
        "为移民和侨民充分促进所有国家的可持续发展创造条件",
        "促进更快、更安全、更便宜的汇款，推动移民的金融包容",
        "开展合作，便利安全和有尊严的返回和重新接纳以及可持续的重新融入",
        "建立社会保障权利和既得福利的可携带机制",
        "加强国际合作和全球伙伴关系，促进安全、有序和正常移民",
    ],
    "ar": [
        "جمع واستخدام بيانات دقيقة ومصنفة كأساس لوضع سياسات قائمة على الأدلة",
        "التقليل إلى أدنى حد من العوامل الدافعة والعوامل الهيكلية السلبية التي تضطر الناس إلى مغادرة بلدهم الأصلي",
        "توفير معلومات دقيقة وفي الوقت المناسب في جميع مراحل الهجرة",
        "ضمان أن يكون لدى جميع المهاجرين ما يثبت هويتهم القانونية ووثائق ملائمة",
        "تعزيز توافر مسارات الهجرة النظامية ومرونتها",
        "تيسير التوظيف المنصف والأخلاقي وضمان الظروف التي تكفل العمل اللائق",
        "معالجة أوجه الضعف في الهجرة والحد منها",
        "إنقاذ الأرواح وتنسيق الجهود الدولية بشأن المهاجرين المفقودين",
        "تعزيز التصدي عبر الحدود الوطنية لتهريب المهاجرين",
        "منع الاتجار بالأشخاص ومكافحته والقضاء عليه في سياق الهجرة الدولية",
        "إدارة الحدود بطريقة متكاملة وآمنة ومنسقة",
        "تعزيز اليقين وإمكانية التنبؤ في إجراءات الهجرة من أجل الفرز والتقييم والإحالة على النحو المناسب",
        "عدم اللجوء إلى احتجاز المهاجرين إلا كملاذ أخير والعمل على إيجاد بدائل له",
        "تعزيز الحماية والمساعدة والتعاون في المجال القنصلي طوال دورة الهجرة",
        "توفير إمكانية حصول المهاجرين على الخدمات الأساسية",
        "تمكين المهاجرين والمجتمعات من تحقيق الإدماج الكامل والتماسك الاجتماعي",
        "القضاء على جميع أشكال التمييز وتشجيع الخطاب العام المستند إلى الأدلة من أجل تشكيل تصورات عن الهجرة",
        "الاستثمار في تنمية المهارات وتيسير الاعتراف المتبادل بالمهارات والمؤهلات والكفاءات",
        "تهيئة الظروف اللازمة لكي يسهم المهاجرون والمغتربون إسهاما كاملا في التنمية المستدامة في جميع البلدان",
        "تعزيز تحويل المهاجرين للأموال بطرق أسرع وأكثر أمانا وأقل تكلفة وتيسير الشمول المالي للمهاجرين",
        "التعاون في تيسير العودة وإعادة القبول في ظروف آمنة وكريمة، فضلا عن إعادة الإدماج المستدامة",
        "إنشاء آليات لإمكانية نقل استحقاقات الضمان الاجتماعي والمزايا المكتسبة",
        "تعزيز التعاون الدولي والشراكات العالمية من أجل الهجرة الآمنة والمنظمة والنظامية",
    ],
}
PRINCIPLES = {
    "fr": [
        "Priorité à la dimension humaine",
        "Coopération internationale",
        "Souveraineté nationale",
        "Primauté du droit et garanties d'une procédure régulière",
        "Développement durable",
        "Droits de l'homme",
        "Prise en compte de la problématique femmes-hommes",
        "Adaptation aux besoins de l'enfant",
        "Approche mobilisant l'ensemble des pouvoirs publics",
        "Approche mobilisant l'ensemble de la société",
    ],
    "es": [
        "Centrada en las personas",
        "Cooperación internacional",
        "Soberanía nacional",
        "Estado de derecho y garantías procesales",
        "Desarrollo sostenible",
        "Derechos humanos",
        "Perspectiva de género",
        "Perspectiva infantil",
        "Enfoque pangubernamental",
        "Enfoque pansocial",
    ],
    "ru": [
        "Ориентированность на человека",
        "Международное сотрудничество",
        "Национальный суверенитет",
        "Верховенство права и надлежащие правовые процедуры",
        "Устойчивое развитие",
        "Права человека",
        "Учет гендерной проблематики",
        "Учет интересов детей",
        "Общегосударственный подход",
        "Общесоциальный подход",
    ],
    "zh_hans": [
        "以人为中心",
        "国际合作",
        "国家主权",
        "法治和正当程序",
        "可持续发展",
        "人权",
        "促进性别平等",
        "敏感认识到儿童问题",
        "全政府办法",
        "全社会办法",
    ],
    "ar": [
        "التركيز على الإنسان",
        "التعاون الدولي",
        "السيادة الوطنية",
        "سيادة القانون وضمانات مراعاة الأصول القانونية",
        "التنمية المستدامة",
        "حقوق الإنسان",
        "مراعاة المنظور الجنساني",
        "مراعاة مصالح الطفل",
        "نهج يشمل الحكومة بأسرها",
        "نهج يشمل المجتمع بأسره",
    ],
}
UNECE_PHASE_1 = {
    "fr": [
        "Quels exemples de pratiques prometteuses et de réalisations dans la mise en œuvre du Pacte mondial, "
        "en lien avec la collaboration au sein de la région, pouvez-vous citer ?",
        "Quels sont les principales lacunes et les principaux défis, ainsi que les enseignements tirés, de la "
        "collaboration intrarégionale et interrégionale existante pour la mise en œuvre du Pacte mondial ? "
        "Avez-vous des suggestions sur la manière de mieux surmonter ces défis ?",
        "Quels types d'experts thématiques, de sous-régions ou de secteurs ont besoin d'un appui particulier "
        "et jouent un rôle important tout au long de l'examen régional du Pacte mondial ?",
        "Indiquez les domaines (objectifs et/ou principes directeurs du Pacte mondial) dans lesquels la "
        "région bénéficierait d'une coopération renforcée en matière de renforcement des capacités, de "
        "conseils stratégiques, de disponibilité des données (y compris leur collecte, leur partage et leur "
        "analyse), de technologie, de partenariats multipartites ou autres. De même, indiquez les domaines "
        "qui ont été jugés prioritaires et ont pris davantage d'élan, et pourquoi.",
        "Quels sont certains des principaux domaines de progrès, des défis et des possibilités liés à la mise "
        "en œuvre du Pacte mondial dans la région dont vous souhaiteriez que les États Membres débattent lors "
        "de l'examen régional du Pacte mondial, et pourquoi ?",
    ],
    "es": [
        "¿Qué ejemplos hay de prácticas prometedoras y logros en la aplicación del Pacto Mundial relacionados "
        "con la colaboración dentro de la región?",
        "¿Cuáles son las principales carencias y dificultades, así como las lecciones aprendidas, de la "
        "colaboración intrarregional e interregional existente en la aplicación del Pacto Mundial? ¿Tiene "
        "sugerencias sobre cómo superar mejor estas dificultades?",
        "¿Qué tipos de expertos temáticos, subregiones o sectores requieren un apoyo específico y son "
        "importantes a lo largo de todo el examen regional del Pacto Mundial?",
        "Señale las esferas (objetivos y/o principios rectores del Pacto Mundial) en las que la región se "
        "beneficiaría de una mayor cooperación en materia de creación de capacidad, asesoramiento sobre "
        "políticas, disponibilidad de datos (incluidos su recopilación, intercambio y análisis), tecnología, "
        "alianzas entre múltiples partes interesadas y otras cuestiones. Asimismo, señale las esferas a las "
        "que se ha dado prioridad y que han cobrado mayor impulso, y explique por qué.",
        "¿Cuáles son algunas de las principales esferas de progreso, dificultades y oportunidades en la "
        "aplicación del Pacto Mundial en la región que le gustaría que los Estados Miembros debatieran "
        "durante el examen regional del Pacto Mundial, y por qué?",
    ],
    "ru": [
        "Какие примеры перспективной практики и достижений в осуществлении Глобального договора, связанных с "
        "сотрудничеством внутри региона, вы можете привести?",
        "Каковы основные пробелы и проблемы, а также извлеченные уроки в существующем внутрирегиональном и "
        "межрегиональном сотрудничестве по осуществлению Глобального договора? Есть ли у вас предложения о "
        "том, как эффективнее преодолевать эти проблемы?",
        "Каким тематическим экспертам, субрегионам или секторам требуется особая поддержка и какие из них "
        "важны на протяжении всего регионального обзора Глобального договора?",
        "Укажите области (цели и/или руководящие принципы Глобального договора), в которых региону пошло бы "
        "на пользу более тесное сотрудничество в плане наращивания потенциала, консультирования по вопросам "
        "политики, доступности данных, включая их сбор, обмен ими и их анализ, технологий, партнерств с "
        "участием многих заинтересованных сторон и в других аспектах. Укажите также области, которые были "
        "определены как приоритетные и получили больший импульс, и объясните почему.",
        "Какие ключевые области прогресса, проблемы и возможности в осуществлении Глобального договора в "
        "регионе вы хотели бы предложить государствам-членам для обсуждения в ходе регионального обзора "
        "Глобального договора и почему?",
    ],
    "zh_hans": [
        "在执行全球移民契约方面，有哪些与区域内合作相关的有前景做法和成就的实例？",
        "在执行全球移民契约方面，现有的区域内和跨区域合作存在哪些主要差距和挑战，有哪些经验教训？"
        "对于如何更好地克服这些挑战，您有何建议？",
        "哪些类型的专题专家、次区域或部门需要具体支持，并在整个全球移民契约区域审查过程中具有重要作用？",
        "请列出本区域可从加强合作中受益的领域（全球移民契约的目标和/或指导原则），合作涉及能力建设、"
        "政策咨询、数据可得性（包括数据的收集、共享和分析）、技术、多利益攸关方伙伴关系等方面。"
        "同样，请列出已被列为优先事项并获得更大推动力的领域，并说明原因。",
        "在本区域执行全球移民契约方面，您希望会员国在全球移民契约区域审查期间讨论哪些主要的进展领域、"
        "挑战和机遇？为什么？",
    ],
    "ar": [
        "ما هي بعض الأمثلة على الممارسات الواعدة والإنجازات في تنفيذ الاتفاق العالمي فيما يتعلق بالتعاون داخل المنطقة؟",
        "ما هي الثغرات والتحديات الرئيسية، والدروس المستفادة، في التعاون القائم داخل المنطقة وفيما بين "
        "المناطق بشأن تنفيذ الاتفاق العالمي؟ هل لديك اقتراحات بشأن كيفية التغلب على هذه التحديات على نحو "
        "أفضل؟",
        "ما هي أنواع الخبراء المواضيعيين أو المناطق دون الإقليمية أو القطاعات التي تحتاج إلى دعم محدد وتكتسي "
        "أهمية طوال الاستعراض الإقليمي للاتفاق العالمي؟",
        "حدِّد المجالات (أهداف الاتفاق العالمي و/أو مبادئه التوجيهية) التي يمكن أن تستفيد فيها المنطقة من "
        "تعزيز التعاون من حيث بناء القدرات، وإسداء المشورة في مجال السياسات، وتوافر البيانات بما في ذلك جمعها "
        "وتبادلها وتحليلها، والتكنولوجيا، والشراكات بين أصحاب المصلحة المتعددين، وغير ذلك. وبالمثل، حدِّد "
        "المجالات التي أُعطيت الأولوية واكتسبت زخمًا أكبر، مع بيان الأسباب.",
        "ما هي بعض المجالات الرئيسية للتقدم والتحديات والفرص في تنفيذ الاتفاق العالمي في المنطقة التي تودّ أن "
        "تناقشها الدول الأعضاء خلال الاستعراض الإقليمي للاتفاق العالمي، ولماذا؟",
    ],
}
UNECE_PHASE_2 = {
    "fr": [
        "Quelles suggestions avez-vous pour améliorer ou renforcer le processus de mobilisation des parties "
        "prenantes, notamment dans les activités préparatoires, les campagnes de communication et la "
        "participation aux réunions d'examen, tant au niveau mondial que régional ?",
        "Quelles suggestions avez-vous pour garantir la prise en compte des contributions des organisations "
        "de la société civile et des parties prenantes pendant que les gouvernements préparent leurs rapports "
        "nationaux volontaires en vue du prochain Forum d'examen des migrations internationales (FEMI), en "
        "2026 ?",
        "Prévoyez-vous des manifestations parallèles ou des rapports organisés par les parties prenantes en "
        "amont du FEMI ? Si oui, de quel type et dans quel but ?",
    ],
    "es": [
        "¿Qué sugerencias tiene para mejorar o reforzar el proceso de participación de las partes "
        "interesadas, en particular en las actividades preparatorias, las campañas de comunicación y la "
        "participación en las reuniones de examen, tanto a nivel mundial como regional?",
        "¿Qué sugerencias tiene para garantizar que las organizaciones de la sociedad civil y las partes "
        "interesadas puedan hacer aportaciones mientras los Gobiernos preparan sus informes nacionales "
        "voluntarios para el próximo Foro de Examen de la Migración Internacional, en 2026?",
        "¿Tiene previsto organizar eventos paralelos o elaborar informes a iniciativa de las partes "
        "interesadas de cara al Foro de Examen de la Migración Internacional? En caso afirmativo, ¿de qué "
        "tipo y con qué propósito?",
    ],
    "ru": [
        "Какие у вас есть предложения по совершенствованию и укреплению процесса вовлечения заинтересованных "
        "сторон, в том числе в подготовительные мероприятия, информационные кампании и совещания по обзору "
        "как на глобальном, так и на региональном уровне?",
        "Какие у вас есть предложения о том, как обеспечить учет вклада организаций гражданского общества и "
        "заинтересованных сторон при подготовке правительствами добровольных национальных докладов к "
        "следующему Форуму по обзору международной миграции в 2026 году?",
        "Планируете ли вы проводить параллельные мероприятия или готовить доклады, организуемые "
        "заинтересованными сторонами, в преддверии Форума по обзору международной миграции? Если да, то какие "
        "и с какой целью?",
    ],
    "zh_hans": [
        "对于改进/加强利益攸关方的参与进程，包括参与筹备活动、宣传活动以及全球和区域两级的审查会议，您有何建议？",
        "在各国政府为 2026 年下一届国际移民审查论坛编写国家自愿报告期间，对于确保民间社会组织和利益攸关方能够"
        "提供意见，您有何建议？",
        "在国际移民审查论坛召开之前，您是否计划举办由利益攸关方组织的平行活动或编写相关报告？如果是，"
        "属于哪种类型，目的何在？",
    ],
    "ar": [
        "ما هي اقتراحاتك لتحسين/تعزيز عملية إشراك أصحاب المصلحة، بما في ذلك في الأنشطة التحضيرية والحملات "
        "الإعلامية والمشاركة في اجتماعات الاستعراض على الصعيدين العالمي والإقليمي؟",
        "ما هي اقتراحاتك لضمان إسهام منظمات المجتمع المدني وأصحاب المصلحة بينما تُعدّ الحكومات تقاريرها "
        "الوطنية الطوعية للدورة المقبلة من المنتدى الدولي لاستعراض الهجرة في عام 2026؟",
        "هل تعتزم تنظيم أي أحداث موازية أو إعداد أي تقارير بمبادرة من أصحاب المصلحة في الفترة التي تسبق "
        "المنتدى الدولي لاستعراض الهجرة؟ إذا كان الأمر كذلك، فمن أي نوع ولأي غرض؟",
    ],
}
