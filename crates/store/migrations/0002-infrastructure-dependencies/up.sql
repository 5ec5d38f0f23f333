-- Dependencies classified from connection data as reaching shared
-- infrastructure (DNS, NTP, directory, monitoring, backup, ...): the role, or
-- NULL for an ordinary dependency.
ALTER TABLE dependencies ADD COLUMN infrastructure TEXT;
