-- POST /campaigns/conversions now needs conversions:write instead of campaigns:write. Keys limited to
-- campaigns:write (the shops' keys until now) keep posting conversions; to take campaign CRUD, links and
-- sync away from a shop's key, an admin replaces it with one limited to conversions:write alone.
UPDATE "api_keys"
SET "permissions" = array_append("permissions", 'conversions:write')
WHERE 'campaigns:write' = ANY ("permissions") AND NOT ('conversions:write' = ANY ("permissions"));
