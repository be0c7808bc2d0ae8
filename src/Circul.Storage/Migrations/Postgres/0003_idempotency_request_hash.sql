-- The fingerprint of the send an Idempotency-Key was first used for, so that reusing the key for another room or
-- another body is refused (409) rather than answered with the first message. NULL on rows written before this script.
ALTER TABLE idempotency_keys ADD COLUMN request_hash text NULL;
