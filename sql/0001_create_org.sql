-- Organisation model of one city: districts (区), street/town units (街道乡镇), departments (委办局 and
-- utilities) and incident categories (诉求类别). Geometry is WGS84; boundaries are GeoJSON so the app
-- needs no PostGIS. Geometry columns are filled from the city pack (wwwroot/geo) at start-up.

create table district (
    adcode       char(6) primary key,
    name_zh      text not null unique,
    name_en      text not null unique,
    center_lon   double precision,
    center_lat   double precision,
    west         double precision,
    south        double precision,
    east         double precision,
    north        double precision,
    boundary     jsonb,
    check (adcode ~ '^[0-9]{6}$')
);

create table street_unit (
    code                 char(9) primary key,
    district_adcode      char(6) not null references district (adcode),
    name_zh              text not null,
    kind                 text not null check (kind in ('subdistrict', 'area', 'town', 'township', 'special-zone')),
    lon                  double precision not null,
    lat                  double precision not null,
    -- No public street boundaries exist: the point is generated inside the district, not surveyed.
    location_approximate boolean not null,
    check (code ~ '^[0-9]{9}$' and left(code, 6) = district_adcode)
);
create index street_unit_district_idx on street_unit (district_adcode);

create table department (
    code       text primary key check (code ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    name_zh    text not null unique,
    name_en    text not null unique,
    short_zh   text not null,
    short_en   text not null,
    -- government: 委办局; utility: state-owned service company; territorial: the district government (属地兜底)
    kind       text not null check (kind in ('government', 'utility', 'territorial')),
    sort_order int  not null
);

create table category (
    service_code     text primary key check (service_code ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    name_zh          text not null unique,
    name_en          text not null unique,
    lead_department  text not null references department (code),
    -- Feedback deadline tier of the Beijing 12345 service standard; day tiers count working days.
    sla_tier         text not null check (sla_tier in ('2h', '24h', '7d', '15d')),
    risk_domain      text not null check (risk_domain in ('operation', 'safety', 'social', 'political')),
    sort_order       int  not null
);

create table category_support_department (
    service_code    text not null references category (service_code),
    department_code text not null references department (code),
    primary key (service_code, department_code)
);
