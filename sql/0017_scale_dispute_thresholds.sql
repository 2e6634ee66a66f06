-- Disputes without an owner, city-wide, on the scale of a hotline of ~24 million requests a year: about 90,000
-- incidents are open at any time and one or two in a hundred of them are in dispute on an ordinary day. The first
-- thresholds (5 … 40) held the city at red permanently, and a wall that is always red tells nobody anything.
update indicator set blue = 500, yellow = 1000, orange = 2000, red = 3000 where code = 'disputes-unowned';
