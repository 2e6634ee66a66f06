-- The rate rollups ask each incident for its latest lead assignment (order by id desc limit 1). Without this index
-- the planner may answer that by walking assignment's primary key backwards for every incident, which on a year of
-- Beijing (26 M assignments) takes minutes per day instead of a second.
create index assignment_lead_idx on assignment (incident_id, id) where role = 'lead';
