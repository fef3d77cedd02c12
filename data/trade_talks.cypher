// The seed knowledge graph of kg: the news article "US, China Launch High-Level Trade
// Talks Amid Deep Differences" (data/article.txt) as people, institutions, countries,
// places, events, issues, measures and claims.
//
// Loaded into every new database by `Database::seed()`; run on an empty graph, statement
// by statement (statements end with `;`). docs/schema.md describes the schema and has
// example questions with their answers; tests/seed.rs holds this graph to the article.
//
// Conventions (see docs/schema.md for the full list):
// - Every node has a stable `key` string ('person:liu_he', 'sentence:7', ...); later
//   statements find earlier nodes by it: MATCH (p {key: 'person:liu_he'}).
// - Provenance: every fact node and every fact relationship has `sentences: [int, ...]`,
//   the `index` of each Sentence that states it. Only the structural relationships
//   HAS_SENTENCE and SOURCE have no `sentences` (they are the provenance).
// - Every Claim has exactly one speaker, (speaker)-[:CLAIMED]->(claim), and one
//   (claim)-[:SOURCE]->(sentence) whose text contains the claim's `quote` verbatim.
// - Aliases: `name` is the canonical name; `aliases` lists the other names the article
//   uses (plus a bare surname for people): MATCH (p:Person) WHERE 'Liu Hu' IN p.aliases.
// - Money is in US dollars as integers (`amount_usd`); tariff rates are percentages as
//   integers (`rate_from: 10` means 10 percent).
// - Days are given as the article gives them ('Wednesday'); the article states no year.
//   A property the article does not give is absent (so it reads as null).

// ---------------------------------------------------------------------------------------
// 1. The article and its 18 sentences, in article order (index from 1). The title is a
//    property of the Article, not a sentence. Sentence 8 is the second sentence of the
//    paragraph that starts with sentence 7.
// ---------------------------------------------------------------------------------------
CREATE (article:Article {
    key: 'article',
    title: 'US, China Launch High-Level Trade Talks Amid Deep Differences',
    sentence_count: 18,
    language: 'en'
  }),
  (article)-[:HAS_SENTENCE]->(:Sentence {key: 'sentence:1', index: 1, text: 'Liu He, China\'s chief trade negotiator, met Wednesday with US negotiators led by Trade Representative Robert Lighthizer at the Executive Office building next to the White House to continue discussions over Washington\'s long-standing complaints that Beijing forces USA companies to transfer their technology advances to Chinese firms and that it limits access to China\'s vast market.'}),
  (article)-[:HAS_SENTENCE]->(:Sentence {key: 'sentence:2', index: 2, text: 'Trade talks between the USA and China have been characterized by "good intent and spirit on both sides", President Donald Trump said on Thursday.'}),
  (article)-[:HAS_SENTENCE]->(:Sentence {key: 'sentence:3', index: 3, text: 'The core of the US allegations against China is that Beijing systematically steals trade secrets, forces foreign companies to hand over technology as the price of access to the Chinese market and subsidizes its own tech companies.'}),
  (article)-[:HAS_SENTENCE]->(:Sentence {key: 'sentence:4', index: 4, text: 'Trump told reporters prior to a private meeting with Liu that he believes the accord has a "very good chance of happening" and that it "will be by far the biggest trade deal ever made" if it does.'}),
  (article)-[:HAS_SENTENCE]->(:Sentence {key: 'sentence:5', index: 5, text: 'Trump has set a March deadline for increasing tariffs on $200 billion worth of Chinese imports from 10 percent to 25 percent.'}),
  (article)-[:HAS_SENTENCE]->(:Sentence {key: 'sentence:6', index: 6, text: 'Specifically, US officials are attacking Chinese trade practices they say are unfair, spotlighting the forced transfer of American technology through requirements that foreign companies form joint ventures with local firms, as well as the alleged theft of American intellectual property through hacking.'}),
  (article)-[:HAS_SENTENCE]->(:Sentence {key: 'sentence:7', index: 7, text: 'Trump said in his tweets negotiators are working to complete a deal, leaving "NOTHING unresolved on the table" before the March 1 deadline agreed by both sides.'}),
  (article)-[:HAS_SENTENCE]->(:Sentence {key: 'sentence:8', index: 8, text: 'All of the many problems are being discussed and will be hopefully resolved.'}),
  (article)-[:HAS_SENTENCE]->(:Sentence {key: 'sentence:9', index: 9, text: 'Trump said on Twitter he was looking for China to open its markets "not only to Financial Services, which they are now doing, but also to our Manufacturing, Farmers and other USA businesses and industries".'}),
  (article)-[:HAS_SENTENCE]->(:Sentence {key: 'sentence:10', index: 10, text: 'Chinese Vice Premier Liu Hu and Beijing officials are discussing disputes over intellectual property rights and drugs with Trump\'s top economic and trade aides.'}),
  (article)-[:HAS_SENTENCE]->(:Sentence {key: 'sentence:11', index: 11, text: 'There were also questions about whether imported cars were eligible for tax breaks and scrappage schemes and whether imported goods were eligible for a Chinese fund for promoting energy saving products.'}),
  (article)-[:HAS_SENTENCE]->(:Sentence {key: 'sentence:12', index: 12, text: 'Washington also doesn\'t like that Beijing subsidizes its tech industry as part of its "Belt and Road" initiative to become the world\'s leader in critical sectors, such as artificial intelligence and robotics.'}),
  (article)-[:HAS_SENTENCE]->(:Sentence {key: 'sentence:13', index: 13, text: 'People\'s Bank of China Governor Yi Gang declined comment on Chinese proposals as he left the delegation\'s hotel for the meetings in Eisenhower Executive Office Building, next to the White House.'}),
  (article)-[:HAS_SENTENCE]->(:Sentence {key: 'sentence:14', index: 14, text: 'US Treasury Secretary Steve Mnuchin told the South China Morning Post on Wednesday that both sides had "had a good discussion".'}),
  (article)-[:HAS_SENTENCE]->(:Sentence {key: 'sentence:15', index: 15, text: 'Deepening the challenge is the US view that China has pledged in the past to curb cyber-theft and forced transfers of technology - and then failed to do so.'}),
  (article)-[:HAS_SENTENCE]->(:Sentence {key: 'sentence:16', index: 16, text: 'Chinese officials are resistant to the wholesale changes sought by the U.S. and the charges against Huawei - one of China\'s biggest and most successful technology firms - have added to the political tensions.'}),
  (article)-[:HAS_SENTENCE]->(:Sentence {key: 'sentence:17', index: 17, text: 'Sources said earlier that China had refrained from committing to substantially altering its tech and government subsidy policies, which form the crux of the USA problems with China.'}),
  (article)-[:HAS_SENTENCE]->(:Sentence {key: 'sentence:18', index: 18, text: 'The administration has imposed tariffs on $250 billion in Chinese imports; Beijing has retaliated with import taxes on $110 billion in USA goods.'});

// ---------------------------------------------------------------------------------------
// 2. Entities and the facts between them, in one statement so that relationships can
//    use the variables. Each node's `sentences` lists every sentence that mentions it.
// ---------------------------------------------------------------------------------------
CREATE
  // --- Countries: the two sides. The article uses "Washington" and "Beijing" for the
  //     two governments; they are aliases, not separate nodes.
  (us:Country {key: 'country:us', name: 'United States',
    aliases: ['US', 'USA', 'U.S.', 'Washington'], demonym: 'American',
    sentences: [1, 2, 3, 6, 9, 12, 14, 15, 16, 17, 18]}),
  (china:Country {key: 'country:china', name: 'China',
    aliases: ['Beijing'], demonym: 'Chinese',
    sentences: [1, 2, 3, 5, 6, 9, 10, 11, 12, 13, 15, 16, 17, 18]}),

  // --- People. `titles` are the titles and roles the article gives them.
  (trump:Person {key: 'person:donald_trump', name: 'Donald Trump',
    aliases: ['Trump', 'President Donald Trump'], titles: ['President'],
    sentences: [2, 4, 5, 7, 9, 10]}),
  (liu:Person {key: 'person:liu_he', name: 'Liu He',
    aliases: ['Liu Hu', 'Liu'], titles: ['Vice Premier', 'chief trade negotiator'],
    sentences: [1, 4, 10]}),
  (lighthizer:Person {key: 'person:robert_lighthizer', name: 'Robert Lighthizer',
    aliases: ['Lighthizer'], titles: ['Trade Representative'],
    sentences: [1]}),
  (mnuchin:Person {key: 'person:steve_mnuchin', name: 'Steve Mnuchin',
    aliases: ['Mnuchin'], titles: ['Treasury Secretary'],
    sentences: [14]}),
  (yi:Person {key: 'person:yi_gang', name: 'Yi Gang',
    aliases: ['Yi'], titles: ['Governor of the People\'s Bank of China'],
    sentences: [13]}),

  // --- Institutions and organisations.
  (ustr:Organization {key: 'org:ustr', name: 'Office of the US Trade Representative',
    aliases: ['USTR'], kind: 'government agency', sentences: [1]}),
  (treasury:Organization {key: 'org:treasury', name: 'US Treasury',
    aliases: ['Treasury'], kind: 'government department', sentences: [14]}),
  (pboc:Organization {key: 'org:pboc', name: 'People\'s Bank of China',
    aliases: ['PBoC'], kind: 'central bank', sentences: [13]}),
  (administration:Organization {key: 'org:trump_administration', name: 'Trump administration',
    aliases: ['the administration'], kind: 'government', sentences: [18]}),
  (huawei:Organization {key: 'org:huawei', name: 'Huawei', aliases: [],
    kind: 'technology company',
    description: 'one of China\'s biggest and most successful technology firms',
    sentences: [16]}),
  (scmp:Organization {key: 'org:scmp', name: 'South China Morning Post',
    aliases: ['SCMP'], kind: 'newspaper', sentences: [14]}),
  (twitter:Organization {key: 'org:twitter', name: 'Twitter', aliases: [],
    kind: 'social network', sentences: [7, 9]}),

  // --- Groups of people the article speaks of without naming them.
  (us_negotiators:Group {key: 'group:us_negotiators', name: 'US negotiators',
    aliases: [], sentences: [1]}),
  (cn_delegation:Group {key: 'group:chinese_delegation', name: 'Chinese delegation',
    aliases: ['the delegation'], sentences: [13]}),
  (us_officials:Group {key: 'group:us_officials', name: 'US officials',
    aliases: [], sentences: [6]}),
  (cn_officials:Group {key: 'group:chinese_officials', name: 'Chinese officials',
    aliases: ['Beijing officials'], sentences: [10, 16]}),
  (trump_aides:Group {key: 'group:trump_aides', name: 'Trump\'s top economic and trade aides',
    aliases: [], sentences: [10]}),
  (reporters:Group {key: 'group:reporters', name: 'reporters',
    aliases: [], sentences: [4]}),
  (sources:Group {key: 'group:sources', name: 'unnamed sources',
    aliases: ['Sources'], sentences: [17]}),

  // --- Places.
  (eeob:Place {key: 'place:eeob', name: 'Eisenhower Executive Office Building',
    aliases: ['Executive Office building'], kind: 'office building', sentences: [1, 13]}),
  (white_house:Place {key: 'place:white_house', name: 'White House',
    aliases: [], kind: 'seat of the US presidency', sentences: [1, 13]}),
  (hotel:Place {key: 'place:delegation_hotel', name: 'the Chinese delegation\'s hotel',
    aliases: [], kind: 'hotel', sentences: [13]}),

  // --- Events.
  (talks:Event {key: 'event:trade_talks', name: 'US-China high-level trade talks',
    aliases: ['Trade talks', 'the meetings'], kind: 'negotiation', day: 'Wednesday',
    sentences: [1, 2, 7, 8, 10, 13, 14]}),
  (private_meeting:Event {key: 'event:trump_liu_meeting',
    name: 'private meeting between Donald Trump and Liu He',
    aliases: [], kind: 'meeting', private: true, sentences: [4]}),
  (deadline:Event {key: 'event:march_1_deadline', name: 'March 1 deadline',
    aliases: ['March deadline'], kind: 'deadline', date: 'March 1', month: 3,
    day_of_month: 1, sentences: [5, 7]}),
  (huawei_charges:Event {key: 'event:huawei_charges', name: 'charges against Huawei',
    aliases: [], kind: 'legal action', sentences: [16]}),

  // --- What is being negotiated and proposed.
  (deal:Agreement {key: 'agreement:trade_deal', name: 'US-China trade deal',
    aliases: ['accord', 'deal', 'trade deal'], status: 'under negotiation',
    sentences: [4, 7]}),
  (cn_proposals:Proposal {key: 'proposal:chinese_proposals', name: 'Chinese proposals',
    aliases: [], sentences: [13]}),

  // --- Issues at stake.
  (forced_transfer:Issue {key: 'issue:forced_technology_transfer',
    name: 'forced technology transfer',
    aliases: ['forced transfer of technology', 'forced transfers of technology'],
    description: 'foreign companies made to hand their technology to Chinese firms',
    sentences: [1, 3, 6, 15]}),
  (joint_ventures:Issue {key: 'issue:joint_venture_requirements',
    name: 'joint-venture requirements', aliases: ['joint ventures'],
    description: 'requirements that foreign companies form joint ventures with local firms',
    sentences: [6]}),
  (market_access:Issue {key: 'issue:market_access', name: 'market access',
    aliases: ['access to the Chinese market'],
    description: 'access of foreign companies to China\'s market', sentences: [1, 3, 9]}),
  (trade_secrets:Issue {key: 'issue:trade_secrets', name: 'theft of trade secrets',
    aliases: ['trade secrets'], sentences: [3]}),
  (ip_theft:Issue {key: 'issue:ip_theft', name: 'intellectual property theft',
    aliases: ['IP theft'], sentences: [6]}),
  (ip_rights:Issue {key: 'issue:ip_rights', name: 'intellectual property rights',
    aliases: ['IP rights'], sentences: [10]}),
  (cyber_theft:Issue {key: 'issue:cyber_theft', name: 'cyber-theft',
    aliases: ['hacking'], sentences: [6, 15]}),
  (subsidies:Issue {key: 'issue:tech_subsidies', name: 'tech subsidies',
    aliases: ['subsidies', 'government subsidy policies'],
    description: 'Chinese government subsidies for its own tech companies and industry',
    sentences: [3, 12, 17]}),
  (belt_and_road:Issue {key: 'issue:belt_and_road', name: 'Belt and Road initiative',
    aliases: ['Belt and Road'], kind: 'initiative',
    description: 'the article calls it China\'s initiative to become the world\'s leader in critical sectors',
    sentences: [12]}),
  (drugs:Issue {key: 'issue:drugs', name: 'drugs', aliases: [],
    description: 'disputes over drugs (the article does not say which)', sentences: [10]}),
  (car_tax_breaks:Issue {key: 'issue:car_tax_breaks', name: 'tax breaks for imported cars',
    aliases: ['tax breaks'],
    description: 'whether imported cars are eligible for tax breaks', sentences: [11]}),
  (car_scrappage:Issue {key: 'issue:car_scrappage', name: 'scrappage schemes for imported cars',
    aliases: ['scrappage schemes'],
    description: 'whether imported cars are eligible for scrappage schemes', sentences: [11]}),
  (energy_fund:Issue {key: 'issue:energy_saving_fund', name: 'energy-saving products fund',
    aliases: ['energy-saving fund', 'Chinese fund for promoting energy saving products'],
    description: 'whether imported goods are eligible for a Chinese fund promoting energy-saving products',
    sentences: [11]}),
  (unfair_practices:Issue {key: 'issue:unfair_trade_practices',
    name: 'unfair Chinese trade practices', aliases: [], sentences: [6]}),
  (wholesale_changes:Issue {key: 'issue:wholesale_changes',
    name: 'wholesale changes sought by the US', aliases: [], sentences: [16]}),
  (tensions:Issue {key: 'issue:political_tensions', name: 'political tensions',
    aliases: [], sentences: [16]}),

  // --- Economic sectors.
  (ai:Sector {key: 'sector:artificial_intelligence', name: 'artificial intelligence',
    aliases: ['AI'], sentences: [12]}),
  (robotics:Sector {key: 'sector:robotics', name: 'robotics', aliases: [], sentences: [12]}),
  (financial_services:Sector {key: 'sector:financial_services', name: 'financial services',
    aliases: ['Financial Services'], sentences: [9]}),
  (manufacturing:Sector {key: 'sector:manufacturing', name: 'manufacturing',
    aliases: ['Manufacturing'], sentences: [9]}),
  (farming:Sector {key: 'sector:farming', name: 'farming', aliases: ['Farmers'],
    sentences: [9]}),

  // --- Quantified measures. amount_usd in dollars, rates in percent.
  (tariff_200b:Measure {key: 'measure:tariff_increase_200b',
    name: 'tariff increase on $200 billion of Chinese imports',
    aliases: [], kind: 'tariff', status: 'scheduled', retaliatory: false,
    goods: 'Chinese imports', amount_usd: 200000000000, rate_from: 10, rate_to: 25,
    deadline: 'March 1', sentences: [5, 7]}),
  (tariff_250b:Measure {key: 'measure:us_tariffs_250b',
    name: 'US tariffs on $250 billion of Chinese imports',
    aliases: ['tariffs'], kind: 'tariff', status: 'imposed', retaliatory: false,
    goods: 'Chinese imports', amount_usd: 250000000000, sentences: [18]}),
  (retaliation_110b:Measure {key: 'measure:china_retaliation_110b',
    name: 'Chinese import taxes on $110 billion of US goods',
    aliases: ['import taxes'], kind: 'tariff', status: 'imposed', retaliatory: true,
    goods: 'US goods', amount_usd: 110000000000, sentences: [18]}),

  // --- Sides: who belongs to which country.
  (trump)-[:REPRESENTS {sentences: [2]}]->(us),
  (lighthizer)-[:REPRESENTS {sentences: [1]}]->(us),
  (mnuchin)-[:REPRESENTS {sentences: [14]}]->(us),
  (liu)-[:REPRESENTS {sentences: [1, 10]}]->(china),
  (yi)-[:REPRESENTS {sentences: [13]}]->(china),
  (us_negotiators)-[:REPRESENTS {sentences: [1]}]->(us),
  (us_officials)-[:REPRESENTS {sentences: [6]}]->(us),
  (trump_aides)-[:REPRESENTS {sentences: [10]}]->(us),
  (cn_delegation)-[:REPRESENTS {sentences: [13]}]->(china),
  (cn_officials)-[:REPRESENTS {sentences: [10, 16]}]->(china),

  // --- Offices held (the title is on the relationship).
  (trump)-[:HOLDS_OFFICE {title: 'President', sentences: [2]}]->(us),
  (liu)-[:HOLDS_OFFICE {title: 'Vice Premier', sentences: [10]}]->(china),
  (liu)-[:HOLDS_OFFICE {title: 'chief trade negotiator', sentences: [1]}]->(china),
  (lighthizer)-[:HOLDS_OFFICE {title: 'Trade Representative', sentences: [1]}]->(ustr),
  (mnuchin)-[:HOLDS_OFFICE {title: 'Treasury Secretary', sentences: [14]}]->(treasury),
  (yi)-[:HOLDS_OFFICE {title: 'Governor', sentences: [13]}]->(pboc),

  // --- Who leads whom, who belongs to which group or institution.
  (trump)-[:LEADS {sentences: [2, 18]}]->(administration),
  (lighthizer)-[:LEADS {sentences: [1]}]->(us_negotiators),
  (liu)-[:LEADS {basis: 'China\'s chief trade negotiator', sentences: [1, 13]}]->(cn_delegation),
  (yi)-[:MEMBER_OF {sentences: [13]}]->(cn_delegation),
  (trump_aides)-[:ADVISES {sentences: [10]}]->(trump),
  (ustr)-[:PART_OF {sentences: [1]}]->(us),
  (treasury)-[:PART_OF {sentences: [14]}]->(us),
  (administration)-[:PART_OF {sentences: [18]}]->(us),
  (pboc)-[:PART_OF {sentences: [13]}]->(china),
  (huawei)-[:BASED_IN {sentences: [16]}]->(china),

  // --- Who met whom.
  (liu)-[:MET {day: 'Wednesday', sentences: [1]}]->(us_negotiators),
  (liu)-[:MET {day: 'Wednesday', sentences: [1]}]->(lighthizer),
  (trump)-[:MET {private: true, sentences: [4]}]->(liu),

  // --- The talks: where, between whom, who took part, what was discussed.
  (talks)-[:BETWEEN {sentences: [1, 2]}]->(us),
  (talks)-[:BETWEEN {sentences: [1, 2]}]->(china),
  (talks)-[:HELD_AT {sentences: [1, 13]}]->(eeob),
  (eeob)-[:NEXT_TO {sentences: [1, 13]}]->(white_house),
  (liu)-[:PARTICIPATED_IN {sentences: [1, 10]}]->(talks),
  (lighthizer)-[:PARTICIPATED_IN {sentences: [1]}]->(talks),
  (yi)-[:PARTICIPATED_IN {sentences: [13]}]->(talks),
  (us_negotiators)-[:PARTICIPATED_IN {sentences: [1]}]->(talks),
  (cn_delegation)-[:PARTICIPATED_IN {sentences: [13]}]->(talks),
  (cn_officials)-[:PARTICIPATED_IN {sentences: [10]}]->(talks),
  (trump_aides)-[:PARTICIPATED_IN {sentences: [10]}]->(talks),
  (talks)-[:DISCUSSED {sentences: [1]}]->(forced_transfer),
  (talks)-[:DISCUSSED {sentences: [1]}]->(market_access),
  (talks)-[:DISCUSSED {sentences: [10]}]->(ip_rights),
  (talks)-[:DISCUSSED {sentences: [10]}]->(drugs),
  (talks)-[:DISCUSSED {sentences: [11]}]->(car_tax_breaks),
  (talks)-[:DISCUSSED {sentences: [11]}]->(car_scrappage),
  (talks)-[:DISCUSSED {sentences: [11]}]->(energy_fund),
  (talks)-[:NEGOTIATES {sentences: [4, 7]}]->(deal),
  (deal)-[:BETWEEN {sentences: [4, 7]}]->(us),
  (deal)-[:BETWEEN {sentences: [4, 7]}]->(china),
  (deal)-[:DUE_BY {sentences: [7]}]->(deadline),
  (china)-[:PROPOSED {sentences: [13]}]->(cn_proposals),
  (cn_proposals)-[:TABLED_AT {sentences: [13]}]->(talks),
  (cn_delegation)-[:STAYED_AT {sentences: [13]}]->(hotel),
  (yi)-[:LEFT {sentences: [13]}]->(hotel),

  // --- Trump's private meeting with Liu.
  (trump)-[:PARTICIPATED_IN {sentences: [4]}]->(private_meeting),
  (liu)-[:PARTICIPATED_IN {sentences: [4]}]->(private_meeting),

  // --- Measures: who imposed or scheduled them, whom they target, deadlines.
  (trump)-[:SET {sentences: [5]}]->(deadline),
  (trump)-[:SCHEDULED {sentences: [5]}]->(tariff_200b),
  (tariff_200b)-[:DUE_BY {sentences: [5, 7]}]->(deadline),
  (tariff_200b)-[:TARGETS {sentences: [5]}]->(china),
  (us)-[:AGREED_TO {sentences: [7]}]->(deadline),
  (china)-[:AGREED_TO {sentences: [7]}]->(deadline),
  (administration)-[:IMPOSED {sentences: [18]}]->(tariff_250b),
  (tariff_250b)-[:TARGETS {sentences: [18]}]->(china),
  (china)-[:IMPOSED {sentences: [18]}]->(retaliation_110b),
  (retaliation_110b)-[:TARGETS {sentences: [18]}]->(us),
  (retaliation_110b)-[:RETALIATES_AGAINST {sentences: [18]}]->(tariff_250b),

  // --- How issues relate, and who stands where on them.
  (joint_ventures)-[:RELATED_TO {how: 'means of forced technology transfer', sentences: [6]}]->(forced_transfer),
  (ip_theft)-[:RELATED_TO {how: 'carried out through hacking', sentences: [6]}]->(cyber_theft),
  (subsidies)-[:RELATED_TO {how: 'subsidies given as part of the initiative', sentences: [12]}]->(belt_and_road),
  (china)-[:PURSUES {sentences: [12]}]->(belt_and_road),
  (belt_and_road)-[:TARGETS_SECTOR {sentences: [12]}]->(ai),
  (belt_and_road)-[:TARGETS_SECTOR {sentences: [12]}]->(robotics),
  (us)-[:SEEKS {sentences: [16]}]->(wholesale_changes),
  (cn_officials)-[:RESISTS {sentences: [16]}]->(wholesale_changes),
  (huawei_charges)-[:AGAINST {sentences: [16]}]->(huawei),
  (huawei_charges)-[:ADDED_TO {sentences: [16]}]->(tensions);

// ---------------------------------------------------------------------------------------
// 3. Claims: every attributed statement, one statement each. A claim has:
//    text      what is claimed, in plain words;
//    quote     words copied verbatim from the source sentence: the speaker's own words
//              when `direct` is true (the article puts them in quotation marks), otherwise
//              the article's words reporting the claim;
//    kind      statement | complaint | allegation | view | report | no comment;
//    attribution  explicit (the sentence names the speaker) | context (the paragraph does);
//    day, when, channel  when and how it was said, only where the article says so.
//    Relationships: (speaker)-[:CLAIMED]->(claim), (claim)-[:SOURCE]->(sentence),
//    (claim)-[:TO]->(audience), (claim)-[:VIA]->(medium), (claim)-[:ABOUT]->(subject),
//    (claim)-[:PRIOR_TO]->(event).
// ---------------------------------------------------------------------------------------

// Sentence 1: Washington's long-standing complaints (two of them).
MATCH (speaker {key: 'country:us'}), (s:Sentence {index: 1}),
      (forced_transfer {key: 'issue:forced_technology_transfer'}), (china {key: 'country:china'})
CREATE (speaker)-[:CLAIMED {sentences: [1]}]->(c:Claim {key: 'claim:us_complaint_forced_transfer',
    kind: 'complaint', attribution: 'explicit', when: 'long-standing',
    text: 'Beijing forces US companies to transfer their technology advances to Chinese firms',
    quote: 'Beijing forces USA companies to transfer their technology advances to Chinese firms',
    direct: false, sentences: [1]})-[:SOURCE]->(s),
  (c)-[:ABOUT {sentences: [1]}]->(forced_transfer),
  (c)-[:ABOUT {sentences: [1]}]->(china);

MATCH (speaker {key: 'country:us'}), (s:Sentence {index: 1}),
      (market_access {key: 'issue:market_access'}), (china {key: 'country:china'})
CREATE (speaker)-[:CLAIMED {sentences: [1]}]->(c:Claim {key: 'claim:us_complaint_market_access',
    kind: 'complaint', attribution: 'explicit', when: 'long-standing',
    text: 'Beijing limits access to China\'s vast market',
    quote: 'it limits access to China\'s vast market',
    direct: false, sentences: [1]})-[:SOURCE]->(s),
  (c)-[:ABOUT {sentences: [1]}]->(market_access),
  (c)-[:ABOUT {sentences: [1]}]->(china);

// Sentence 2: Trump on the spirit of the talks, on Thursday.
MATCH (speaker {key: 'person:donald_trump'}), (s:Sentence {index: 2}),
      (talks {key: 'event:trade_talks'}), (us {key: 'country:us'}), (china {key: 'country:china'})
CREATE (speaker)-[:CLAIMED {sentences: [2]}]->(c:Claim {key: 'claim:trump_good_intent',
    kind: 'statement', attribution: 'explicit', day: 'Thursday',
    text: 'The US-China trade talks have been characterized by good intent and spirit on both sides',
    quote: 'good intent and spirit on both sides',
    direct: true, sentences: [2]})-[:SOURCE]->(s),
  (c)-[:ABOUT {sentences: [2]}]->(talks),
  (c)-[:ABOUT {sentences: [2]}]->(us),
  (c)-[:ABOUT {sentences: [2]}]->(china);

// Sentence 3: the core US allegations (three of them).
MATCH (speaker {key: 'country:us'}), (s:Sentence {index: 3}),
      (trade_secrets {key: 'issue:trade_secrets'}), (china {key: 'country:china'})
CREATE (speaker)-[:CLAIMED {sentences: [3]}]->(c:Claim {key: 'claim:us_allegation_trade_secrets',
    kind: 'allegation', attribution: 'explicit',
    text: 'Beijing systematically steals trade secrets',
    quote: 'Beijing systematically steals trade secrets',
    direct: false, sentences: [3]})-[:SOURCE]->(s),
  (c)-[:ABOUT {sentences: [3]}]->(trade_secrets),
  (c)-[:ABOUT {sentences: [3]}]->(china);

MATCH (speaker {key: 'country:us'}), (s:Sentence {index: 3}),
      (forced_transfer {key: 'issue:forced_technology_transfer'}),
      (market_access {key: 'issue:market_access'}), (china {key: 'country:china'})
CREATE (speaker)-[:CLAIMED {sentences: [3]}]->(c:Claim {key: 'claim:us_allegation_technology_for_access',
    kind: 'allegation', attribution: 'explicit',
    text: 'Beijing forces foreign companies to hand over technology as the price of access to the Chinese market',
    quote: 'forces foreign companies to hand over technology as the price of access to the Chinese market',
    direct: false, sentences: [3]})-[:SOURCE]->(s),
  (c)-[:ABOUT {sentences: [3]}]->(forced_transfer),
  (c)-[:ABOUT {sentences: [3]}]->(market_access),
  (c)-[:ABOUT {sentences: [3]}]->(china);

MATCH (speaker {key: 'country:us'}), (s:Sentence {index: 3}),
      (subsidies {key: 'issue:tech_subsidies'}), (china {key: 'country:china'})
CREATE (speaker)-[:CLAIMED {sentences: [3]}]->(c:Claim {key: 'claim:us_allegation_subsidies',
    kind: 'allegation', attribution: 'explicit',
    text: 'Beijing subsidizes its own tech companies',
    quote: 'subsidizes its own tech companies',
    direct: false, sentences: [3]})-[:SOURCE]->(s),
  (c)-[:ABOUT {sentences: [3]}]->(subsidies),
  (c)-[:ABOUT {sentences: [3]}]->(china);

// Sentence 4: Trump to reporters before his private meeting with Liu (two quotes).
MATCH (speaker {key: 'person:donald_trump'}), (s:Sentence {index: 4}),
      (reporters {key: 'group:reporters'}), (meeting {key: 'event:trump_liu_meeting'}),
      (deal {key: 'agreement:trade_deal'})
CREATE (speaker)-[:CLAIMED {sentences: [4]}]->(c:Claim {key: 'claim:trump_good_chance',
    kind: 'statement', attribution: 'explicit', channel: 'told reporters',
    when: 'prior to a private meeting with Liu',
    text: 'The trade accord has a very good chance of happening',
    quote: 'very good chance of happening',
    direct: true, sentences: [4]})-[:SOURCE]->(s),
  (c)-[:TO {sentences: [4]}]->(reporters),
  (c)-[:PRIOR_TO {sentences: [4]}]->(meeting),
  (c)-[:ABOUT {sentences: [4]}]->(deal);

MATCH (speaker {key: 'person:donald_trump'}), (s:Sentence {index: 4}),
      (reporters {key: 'group:reporters'}), (meeting {key: 'event:trump_liu_meeting'}),
      (deal {key: 'agreement:trade_deal'})
CREATE (speaker)-[:CLAIMED {sentences: [4]}]->(c:Claim {key: 'claim:trump_biggest_deal',
    kind: 'statement', attribution: 'explicit', channel: 'told reporters',
    when: 'prior to a private meeting with Liu',
    text: 'If it happens, the accord will be by far the biggest trade deal ever made',
    quote: 'will be by far the biggest trade deal ever made',
    direct: true, sentences: [4]})-[:SOURCE]->(s),
  (c)-[:TO {sentences: [4]}]->(reporters),
  (c)-[:PRIOR_TO {sentences: [4]}]->(meeting),
  (c)-[:ABOUT {sentences: [4]}]->(deal);

// Sentence 6: what US officials attack (three points).
MATCH (speaker {key: 'group:us_officials'}), (s:Sentence {index: 6}),
      (unfair {key: 'issue:unfair_trade_practices'}), (china {key: 'country:china'})
CREATE (speaker)-[:CLAIMED {sentences: [6]}]->(c:Claim {key: 'claim:us_officials_unfair_practices',
    kind: 'allegation', attribution: 'explicit',
    text: 'Chinese trade practices are unfair',
    quote: 'Chinese trade practices they say are unfair',
    direct: false, sentences: [6]})-[:SOURCE]->(s),
  (c)-[:ABOUT {sentences: [6]}]->(unfair),
  (c)-[:ABOUT {sentences: [6]}]->(china);

MATCH (speaker {key: 'group:us_officials'}), (s:Sentence {index: 6}),
      (forced_transfer {key: 'issue:forced_technology_transfer'}),
      (joint_ventures {key: 'issue:joint_venture_requirements'}), (china {key: 'country:china'})
CREATE (speaker)-[:CLAIMED {sentences: [6]}]->(c:Claim {key: 'claim:us_officials_joint_ventures',
    kind: 'allegation', attribution: 'explicit',
    text: 'China forces the transfer of American technology by requiring foreign companies to form joint ventures with local firms',
    quote: 'the forced transfer of American technology through requirements that foreign companies form joint ventures with local firms',
    direct: false, sentences: [6]})-[:SOURCE]->(s),
  (c)-[:ABOUT {sentences: [6]}]->(forced_transfer),
  (c)-[:ABOUT {sentences: [6]}]->(joint_ventures),
  (c)-[:ABOUT {sentences: [6]}]->(china);

MATCH (speaker {key: 'group:us_officials'}), (s:Sentence {index: 6}),
      (ip_theft {key: 'issue:ip_theft'}), (cyber_theft {key: 'issue:cyber_theft'}),
      (china {key: 'country:china'})
CREATE (speaker)-[:CLAIMED {sentences: [6]}]->(c:Claim {key: 'claim:us_officials_ip_hacking',
    kind: 'allegation', attribution: 'explicit',
    text: 'American intellectual property is stolen through hacking (alleged)',
    quote: 'the alleged theft of American intellectual property through hacking',
    direct: false, sentences: [6]})-[:SOURCE]->(s),
  (c)-[:ABOUT {sentences: [6]}]->(ip_theft),
  (c)-[:ABOUT {sentences: [6]}]->(cyber_theft),
  (c)-[:ABOUT {sentences: [6]}]->(china);

// Sentences 7 and 8: Trump's tweets. Sentence 8 names no speaker; it continues the
// paragraph about the tweets, so its attribution is 'context'.
MATCH (speaker {key: 'person:donald_trump'}), (s:Sentence {index: 7}),
      (twitter {key: 'org:twitter'}), (deal {key: 'agreement:trade_deal'}),
      (deadline {key: 'event:march_1_deadline'})
CREATE (speaker)-[:CLAIMED {sentences: [7]}]->(c:Claim {key: 'claim:trump_nothing_unresolved',
    kind: 'statement', attribution: 'explicit', channel: 'Twitter',
    text: 'Negotiators are working to complete a deal that leaves nothing unresolved before the March 1 deadline agreed by both sides',
    quote: 'NOTHING unresolved on the table',
    direct: true, sentences: [7]})-[:SOURCE]->(s),
  (c)-[:VIA {sentences: [7]}]->(twitter),
  (c)-[:ABOUT {sentences: [7]}]->(deal),
  (c)-[:ABOUT {sentences: [7]}]->(deadline);

MATCH (speaker {key: 'person:donald_trump'}), (s:Sentence {index: 8}),
      (twitter {key: 'org:twitter'}), (talks {key: 'event:trade_talks'})
CREATE (speaker)-[:CLAIMED {sentences: [7, 8]}]->(c:Claim {key: 'claim:trump_problems_discussed',
    kind: 'statement', attribution: 'context', channel: 'Twitter',
    text: 'All of the many problems are being discussed and will hopefully be resolved',
    quote: 'All of the many problems are being discussed and will be hopefully resolved',
    direct: false, sentences: [8]})-[:SOURCE]->(s),
  (c)-[:VIA {sentences: [7, 8]}]->(twitter),
  (c)-[:ABOUT {sentences: [8]}]->(talks);

// Sentence 9: Trump on Twitter about opening China's markets.
MATCH (speaker {key: 'person:donald_trump'}), (s:Sentence {index: 9}),
      (twitter {key: 'org:twitter'}), (market_access {key: 'issue:market_access'}),
      (china {key: 'country:china'}), (financial {key: 'sector:financial_services'}),
      (manufacturing {key: 'sector:manufacturing'}), (farming {key: 'sector:farming'})
CREATE (speaker)-[:CLAIMED {sentences: [9]}]->(c:Claim {key: 'claim:trump_open_markets',
    kind: 'statement', attribution: 'explicit', channel: 'Twitter',
    text: 'China should open its markets not only to financial services, which it is already doing, but also to US manufacturing, farmers and other businesses and industries',
    quote: 'not only to Financial Services, which they are now doing, but also to our Manufacturing, Farmers and other USA businesses and industries',
    direct: true, sentences: [9]})-[:SOURCE]->(s),
  (c)-[:VIA {sentences: [9]}]->(twitter),
  (c)-[:ABOUT {sentences: [9]}]->(market_access),
  (c)-[:ABOUT {sentences: [9]}]->(china),
  (c)-[:ABOUT {sentences: [9]}]->(financial),
  (c)-[:ABOUT {sentences: [9]}]->(manufacturing),
  (c)-[:ABOUT {sentences: [9]}]->(farming);

// Sentence 12: what Washington does not like about Belt and Road.
MATCH (speaker {key: 'country:us'}), (s:Sentence {index: 12}),
      (subsidies {key: 'issue:tech_subsidies'}), (belt_and_road {key: 'issue:belt_and_road'}),
      (ai {key: 'sector:artificial_intelligence'}), (robotics {key: 'sector:robotics'}),
      (china {key: 'country:china'})
CREATE (speaker)-[:CLAIMED {sentences: [12]}]->(c:Claim {key: 'claim:us_objects_belt_and_road_subsidies',
    kind: 'complaint', attribution: 'explicit',
    text: 'Washington objects that Beijing subsidizes its tech industry as part of its Belt and Road initiative to lead critical sectors such as artificial intelligence and robotics',
    quote: 'Beijing subsidizes its tech industry as part of its "Belt and Road" initiative',
    direct: false, sentences: [12]})-[:SOURCE]->(s),
  (c)-[:ABOUT {sentences: [12]}]->(subsidies),
  (c)-[:ABOUT {sentences: [12]}]->(belt_and_road),
  (c)-[:ABOUT {sentences: [12]}]->(ai),
  (c)-[:ABOUT {sentences: [12]}]->(robotics),
  (c)-[:ABOUT {sentences: [12]}]->(china);

// Sentence 13: Yi Gang declines comment (recorded as a claim of kind 'no comment').
MATCH (speaker {key: 'person:yi_gang'}), (s:Sentence {index: 13}),
      (proposals {key: 'proposal:chinese_proposals'})
CREATE (speaker)-[:CLAIMED {sentences: [13]}]->(c:Claim {key: 'claim:yi_gang_no_comment',
    kind: 'no comment', attribution: 'explicit',
    when: 'as he left the delegation\'s hotel for the meetings',
    text: 'Yi Gang declined to comment on the Chinese proposals',
    quote: 'declined comment on Chinese proposals',
    direct: false, sentences: [13]})-[:SOURCE]->(s),
  (c)-[:ABOUT {sentences: [13]}]->(proposals);

// Sentence 14: Mnuchin to the South China Morning Post, on Wednesday.
MATCH (speaker {key: 'person:steve_mnuchin'}), (s:Sentence {index: 14}),
      (scmp {key: 'org:scmp'}), (talks {key: 'event:trade_talks'})
CREATE (speaker)-[:CLAIMED {sentences: [14]}]->(c:Claim {key: 'claim:mnuchin_good_discussion',
    kind: 'statement', attribution: 'explicit', day: 'Wednesday',
    channel: 'told the South China Morning Post',
    text: 'Both sides had a good discussion',
    quote: 'had a good discussion',
    direct: true, sentences: [14]})-[:SOURCE]->(s),
  (c)-[:TO {sentences: [14]}]->(scmp),
  (c)-[:ABOUT {sentences: [14]}]->(talks);

// Sentence 15: the US view of China's past pledges.
MATCH (speaker {key: 'country:us'}), (s:Sentence {index: 15}),
      (cyber_theft {key: 'issue:cyber_theft'}),
      (forced_transfer {key: 'issue:forced_technology_transfer'}), (china {key: 'country:china'})
CREATE (speaker)-[:CLAIMED {sentences: [15]}]->(c:Claim {key: 'claim:us_view_failed_pledges',
    kind: 'view', attribution: 'explicit',
    text: 'China has pledged in the past to curb cyber-theft and forced transfers of technology, and then failed to do so',
    quote: 'China has pledged in the past to curb cyber-theft and forced transfers of technology - and then failed to do so',
    direct: false, sentences: [15]})-[:SOURCE]->(s),
  (c)-[:ABOUT {sentences: [15]}]->(cyber_theft),
  (c)-[:ABOUT {sentences: [15]}]->(forced_transfer),
  (c)-[:ABOUT {sentences: [15]}]->(china);

// Sentence 17: unnamed sources on China's subsidy policies, said earlier.
MATCH (speaker {key: 'group:sources'}), (s:Sentence {index: 17}),
      (subsidies {key: 'issue:tech_subsidies'}), (china {key: 'country:china'})
CREATE (speaker)-[:CLAIMED {sentences: [17]}]->(c:Claim {key: 'claim:sources_no_subsidy_commitment',
    kind: 'report', attribution: 'explicit', when: 'earlier',
    text: 'China had refrained from committing to substantially altering its tech and government subsidy policies, the crux of the US problems with China',
    quote: 'China had refrained from committing to substantially altering its tech and government subsidy policies',
    direct: false, sentences: [17]})-[:SOURCE]->(s),
  (c)-[:ABOUT {sentences: [17]}]->(subsidies),
  (c)-[:ABOUT {sentences: [17]}]->(china);
