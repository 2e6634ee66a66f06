-- Risk indicators for safe city operation (城市运行安全风险指标) in four domains, with the thresholds of the national
-- four-level alert scale (blue IV, yellow III, orange II, red I), and the readings that sensor platforms send.

insert into department (code, name_zh, name_en, short_zh, short_en, kind, sort_order) values
    ('public-security', '北京市公安局',             'Beijing Municipal Public Security Bureau', '公安局',    'Police',       'government', 35),
    ('cyberspace',      '中共北京市委网信办',       'Beijing Cyberspace Administration',        '网信办',    'Cyberspace',   'government', 170),
    ('petition-bureau', '北京市信访办公室',         'Beijing Municipal Petition Bureau',        '信访办',    'Petitions',    'government', 180),
    ('hotline-center',  '北京市12345市民服务热线',  'Beijing 12345 Citizen Service Hotline',    '12345热线', '12345 Hotline','government', 190);

create table indicator (
    code         text primary key check (code ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    domain       text not null check (domain in ('operation', 'safety', 'social', 'political')),
    name_zh      text not null unique,
    name_en      text not null unique,
    unit_zh      text not null,
    unit_en      text not null,
    -- city: one series for the whole city; district: one series per district.
    scope        text not null check (scope in ('city', 'district')),
    -- higher: larger values are worse (congestion); lower: smaller values are worse (water pressure).
    worse        text not null check (worse in ('higher', 'lower')),
    blue         double precision not null,
    yellow       double precision not null,
    orange       double precision not null,
    red          double precision not null,
    -- The plausible range of a reading: outside it a reading is refused as a sensor fault, not raised as an alert.
    min_value    double precision not null,
    max_value    double precision not null,
    owner        text not null references department (code),
    -- derived: computed from incidents and orders by the app; readings for it are refused.
    derived      boolean not null default false,
    sort_order   int not null,
    check (case worse when 'higher' then blue < yellow and yellow < orange and orange < red
                      else blue > yellow and yellow > orange and orange > red end),
    check (min_value < max_value)
);

insert into indicator (code, domain, name_zh, name_en, unit_zh, unit_en, scope, worse, blue, yellow, orange, red, min_value, max_value, owner, derived, sort_order) values
    -- 运行 operation
    ('road-congestion',        'operation', '道路交通拥堵指数', 'Road congestion index',          '',        '',              'district', 'higher', 6,    7,    8,    9,    0,   10,     'transport',           false, 10),
    ('metro-crowding',         'operation', '地铁高峰满载率',   'Metro peak load factor',         '%',       '%',             'city',     'higher', 100,  110,  120,  130,  0,   250,    'transport',           false, 20),
    ('water-pressure',         'operation', '供水管网压力',     'Water supply pressure',          'MPa',     'MPa',           'district', 'lower',  0.20, 0.18, 0.16, 0.14, 0,   1.6,    'beijing-waterworks',  false, 30),
    ('power-load',             'operation', '电网负荷率',       'Power grid load',                '%',       '%',             'city',     'higher', 85,   90,   95,   98,   0,   130,    'state-grid',          false, 40),
    ('gas-pressure',           'operation', '燃气管网压力',     'Gas network pressure',           'MPa',     'MPa',           'district', 'lower',  0.20, 0.18, 0.15, 0.12, 0,   4,      'beijing-gas',         false, 50),
    ('heating-temperature',    'operation', '供暖供水温度',     'Heating supply temperature',     '°C',      '°C',            'district', 'lower',  55,   50,   45,   40,   -20, 150,    'beijing-heating',     false, 60),
    ('unacknowledged-orders',  'operation', '未签收指令',       'Unacknowledged orders',          '件',      'orders',        'city',     'higher', 1,    3,    5,    10,   0,   100000, 'district-government', true,  70),
    -- 安全 safety
    ('fire-alarms',            'safety',    '火灾报警',         'Fire alarms',                    '起/小时', 'per hour',      'district', 'higher', 5,    10,   15,   20,   0,   10000,  'fire-rescue',         false, 110),
    ('gas-leak-alarms',        'safety',    '燃气泄漏报警',     'Gas leak alarms',                '起/小时', 'per hour',      'district', 'higher', 2,    4,    6,    10,   0,   10000,  'beijing-gas',         false, 120),
    ('manhole-displaced',      'safety',    '井盖位移报警',     'Displaced manhole covers',       '个',      'covers',        'district', 'higher', 3,    6,    10,   15,   0,   10000,  'city-management',     false, 130),
    ('construction-events',    'safety',    '施工安全事件',     'Construction safety events',     '起',      'events',        'district', 'higher', 1,    2,    3,    5,    0,   1000,   'housing-construction',false, 140),
    ('waterlogging-depth',     'safety',    '道路积水深度',     'Road waterlogging depth',        '厘米',    'cm',            'district', 'higher', 15,   27,   40,   50,   0,   500,    'beijing-drainage',    false, 150),
    ('hazmat-alarms',          'safety',    '危化品储存报警',   'Hazardous materials alarms',     '起',      'alarms',        'district', 'higher', 1,    2,    3,    5,    0,   1000,   'emergency-management',false, 160),
    -- 社会 social
    ('hotline-surge',          'social',    '12345来电激增',    'Hotline surge',                  '倍',      '× baseline',    'city',     'higher', 1.5,  2,    3,    4,    0,   1000,   'hotline-center',      true,  210),
    ('repeated-complaints',    'social',    '重复投诉',         'Repeated complaints',            '件/日',   'per day',       'district', 'higher', 20,   40,   60,   100,  0,   100000, 'hotline-center',      false, 220),
    ('event-crowding',         'social',    '大型活动人群密度', 'Crowding at large events',       '人/㎡',   'people per m²', 'district', 'higher', 2,    3,    4,    5,    0,   12,     'public-security',     false, 230),
    ('overdue-ratio',          'social',    '诉求超期率',       'Overdue ratio',                  '%',       '%',             'district', 'higher', 10,   20,   30,   40,   0,   100,    'district-government', true,  240),
    ('disputes-unowned',       'social',    '无主争议诉求',     'Disputes without an owner',      '件',      'incidents',     'city',     'higher', 5,    10,   20,   40,   0,   100000, 'district-government', true,  250),
    -- 政治/舆情 public opinion
    ('negative-opinion',       'political', '负面舆情',         'Negative public-opinion mentions','条/小时','per hour',      'city',     'higher', 100,  300,  600,  1000, 0,   10000000,'cyberspace',         false, 310),
    ('petition-requests',      'political', '信访相关诉求',     'Petition-related requests',      '件/日',   'per day',       'district', 'higher', 5,    10,   20,   40,   0,   100000, 'petition-bureau',     false, 320);

-- Readings as sensor platforms send them. Time-ordered and append-only: a BRIN on the time, and the latest value
-- per series through the (indicator, district, at) index.
create table reading (
    id              bigint generated always as identity primary key,
    indicator_code  text not null references indicator (code),
    -- Null for city-wide indicators; a district for per-district ones (checked by the API against the scope).
    district_adcode char(6) references district (adcode),
    at              timestamptz not null,
    value           double precision not null check (value = value and value not in ('Infinity', '-Infinity')),
    received_at     timestamptz not null,
    feed_id         bigint not null references api_client (id)
);
create index reading_series_idx on reading (indicator_code, district_adcode, at desc);
create index reading_received_brin on reading using brin (received_at);
