-- The venue's money and language (issue 14): the currency prices are in (ISO 4217), the default
-- language of its screens, and the locale (BCP 47) whose conventions format its numbers and
-- times. Every user may choose a language of their own (NULL: the venue's).
ALTER TABLE venues ADD COLUMN currency TEXT NOT NULL DEFAULT 'EUR' CHECK (length(currency) = 3);
ALTER TABLE venues ADD COLUMN language TEXT NOT NULL DEFAULT 'en' CHECK (length(language) BETWEEN 2 AND 8);
ALTER TABLE venues ADD COLUMN locale TEXT NOT NULL DEFAULT 'en-GB' CHECK (length(locale) BETWEEN 2 AND 35);
ALTER TABLE users ADD COLUMN language TEXT CHECK (language IS NULL OR length(language) BETWEEN 2 AND 8);
