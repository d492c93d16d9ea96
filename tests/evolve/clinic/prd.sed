# patients: the two fields added by `add field` (step 4), documented in the schema
s/^    notes       TEXT$/    notes       TEXT,\
    nickname    TEXT,\
    visit_count INTEGER      NOT NULL DEFAULT 0/
# the changed field: patients.phone gets longer (VARCHAR(20) → VARCHAR(32)); clinics.phone has no NOT NULL
s/^    phone       VARCHAR(20)  NOT NULL,$/    phone       VARCHAR(32)  NOT NULL,/
