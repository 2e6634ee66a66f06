-- External intake: Open311 service definitions (attributes per category), the answers a request carries, and the
-- feed catalog columns on API clients (owning department already there; expected cadence and last received time).

create table service_attribute (
    service_code text not null references category (service_code),
    code         text not null check (code ~ '^[a-z0-9_]{1,50}$'),
    -- Open311 GeoReport v2 datatypes.
    datatype     text not null check (datatype in ('string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist')),
    required     boolean not null,
    description_zh text not null,
    description_en text not null,
    sort_order   int not null,
    -- For the list datatypes: [{"key": "...", "name_zh": "...", "name_en": "..."}].
    value_list   jsonb,
    primary key (service_code, code),
    check ((datatype in ('singlevaluelist', 'multivaluelist')) = (value_list is not null))
);

insert into service_attribute (service_code, code, datatype, required, description_zh, description_en, sort_order, value_list) values
    ('waterlogging', 'depth', 'singlevaluelist', true, '积水深度', 'Depth of the water', 1,
        '[{"key": "ankle", "name_zh": "没过脚踝（<15 厘米）", "name_en": "Ankle deep (< 15 cm)"},
          {"key": "knee", "name_zh": "没过膝盖（15–50 厘米）", "name_en": "Knee deep (15–50 cm)"},
          {"key": "waist", "name_zh": "齐腰以上（>50 厘米）", "name_en": "Waist deep or more (> 50 cm)"}]'),
    ('waterlogging', 'vehicles_stranded', 'number', false, '被困车辆数', 'Vehicles stranded', 2, null),
    ('manhole-cover', 'state', 'singlevaluelist', true, '井盖状态', 'State of the cover', 1,
        '[{"key": "missing", "name_zh": "缺失", "name_en": "Missing"},
          {"key": "displaced", "name_zh": "移位", "name_en": "Displaced"},
          {"key": "broken", "name_zh": "破损", "name_en": "Broken"}]'),
    ('gas-leak', 'smell_strength', 'singlevaluelist', true, '气味浓度', 'Strength of the smell', 1,
        '[{"key": "faint", "name_zh": "轻微", "name_en": "Faint"}, {"key": "strong", "name_zh": "强烈", "name_en": "Strong"}]'),
    ('gas-leak', 'indoors', 'singlevaluelist', false, '是否在室内', 'Indoors', 2,
        '[{"key": "yes", "name_zh": "是", "name_en": "Yes"}, {"key": "no", "name_zh": "否", "name_en": "No"}]'),
    ('streetlight-out', 'lights_out', 'number', false, '不亮的路灯数量', 'Number of lights out', 1, null),
    ('streetlight-out', 'since', 'datetime', false, '开始不亮的时间', 'Out since', 2, null),
    ('noise', 'sources', 'multivaluelist', false, '噪音来源', 'Sources of the noise', 1,
        '[{"key": "construction", "name_zh": "施工", "name_en": "Construction"},
          {"key": "traffic", "name_zh": "交通", "name_en": "Traffic"},
          {"key": "business", "name_zh": "商铺经营", "name_en": "Business"},
          {"key": "residents", "name_zh": "居民生活", "name_en": "Residents"}]');

-- The answers to a category's attributes, as the source sent them (validated against service_attribute).
alter table incident add column attributes jsonb;

-- Feeds: every API client is a named feed with its owning department (department_code), the cadence it is expected
-- to send at (null: on demand) and when it last delivered something.
alter table api_client add column expected_cadence interval check (expected_cadence > interval '0'),
                       add column last_received_at timestamptz;
