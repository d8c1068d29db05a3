-- Drafts, their logs and the household layers.
--
-- The log's op and change are text, not jsonb: jsonb reorders keys and
-- drops spacing, and the store keeps them byte for byte as given (the store
-- checks that they are JSON). Ids and codes use the "C" collation, as
-- units do.

CREATE TABLE household_layers (
    number      bigint PRIMARY KEY CHECK (number > 0),
    imported_at timestamptz NOT NULL,
    note        text NOT NULL DEFAULT '',
    -- The latest version when the layer was imported; NULL when none was.
    version     bigint REFERENCES versions (number),
    points      integer NOT NULL CHECK (points >= 0),
    households  bigint NOT NULL CHECK (households >= 0),
    population  bigint NOT NULL CHECK (population >= 0)
);

-- One row per point, seq its position in the import.
CREATE TABLE households (
    layer      bigint NOT NULL REFERENCES household_layers (number),
    seq        integer NOT NULL CHECK (seq >= 0),
    lon        double precision NOT NULL,
    lat        double precision NOT NULL,
    households integer NOT NULL CHECK (households >= 0),
    population integer NOT NULL CHECK (population >= 0),
    address    text NOT NULL DEFAULT '',
    PRIMARY KEY (layer, seq)
);

-- A bounding-box query of one layer: a range of lon, then lat.
CREATE INDEX households_position ON households (layer, lon, lat);

CREATE TABLE drafts (
    id         text COLLATE "C" PRIMARY KEY,
    root       text COLLATE "C" NOT NULL,
    base       bigint NOT NULL REFERENCES versions (number),
    note       text NOT NULL DEFAULT '',
    layer      bigint REFERENCES household_layers (number), -- NULL: none
    head       integer NOT NULL DEFAULT 0,
    ops        integer NOT NULL DEFAULT 0,
    revision   bigint NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    published  bigint REFERENCES versions (number), -- NULL while open
    CHECK (0 <= head AND head <= ops)
);

CREATE INDEX drafts_created ON drafts (created_at, id);

CREATE TABLE draft_ops (
    draft  text COLLATE "C" NOT NULL REFERENCES drafts (id) ON DELETE CASCADE,
    seq    integer NOT NULL CHECK (seq >= 0),
    at     timestamptz NOT NULL,
    op     text NOT NULL,
    change text NOT NULL,
    PRIMARY KEY (draft, seq)
);
