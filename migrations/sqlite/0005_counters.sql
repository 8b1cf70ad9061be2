-- Order and event numbers come from the per-venue counters on SQLite too (they came from the
-- highest existing number + 1, which handed a deleted newest order's number to the next order).
-- The counters start where the existing rows left off.
INSERT INTO venue_counters (venue_id, name, value)
    SELECT venue_id, 'order_number', MAX(number) FROM orders WHERE TRUE GROUP BY venue_id
    ON CONFLICT (venue_id, name) DO UPDATE SET value = MAX(venue_counters.value, excluded.value);
INSERT INTO venue_counters (venue_id, name, value)
    SELECT venue_id, 'event_seq', MAX(seq) FROM venue_events WHERE TRUE GROUP BY venue_id
    ON CONFLICT (venue_id, name) DO UPDATE SET value = MAX(venue_counters.value, excluded.value);
