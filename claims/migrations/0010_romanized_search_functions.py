"""Two SQL functions that write Cyrillic in Latin letters, by the Ukrainian national system and by the
usual Russian one, for the search vector (docs/architecture.md, "Every spelling"): so "Kharkiv" finds
"Харків" and "Putin" finds "Путин". Immutable, so the claim trigger can use them; Latin text passes
through unchanged (lower-cased)."""

from django.db import migrations

ROMANIZED_UK = r"""
CREATE OR REPLACE FUNCTION claims_romanized_uk(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT translate(
    replace(replace(replace(replace(replace(replace(replace(replace(replace(lower(t),
        'щ', 'shch'), 'ж', 'zh'), 'х', 'kh'), 'ц', 'ts'), 'ч', 'ch'), 'ш', 'sh'), 'є', 'ie'), 'ю', 'iu'), 'я', 'ia'),
    'абвгґдезиіїйклмнопрстуфьʼ''’',
    'abvhgdezyiiiklmnoprstuf')
$$;
"""

ROMANIZED_RU = r"""
CREATE OR REPLACE FUNCTION claims_romanized_ru(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT translate(
    replace(replace(replace(replace(replace(replace(replace(replace(lower(t),
        'щ', 'shch'), 'ж', 'zh'), 'х', 'kh'), 'ц', 'ts'), 'ч', 'ch'), 'ш', 'sh'), 'ю', 'yu'), 'я', 'ya'),
    'абвгдеёзийклмнопрстуфыэіїєґъь',
    'abvgdeeziyklmnoprstufyeiieg')
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("claims", "0009_claimant_aliases")]

    operations = [
        migrations.RunSQL(ROMANIZED_UK, "DROP FUNCTION IF EXISTS claims_romanized_uk(text);"),
        migrations.RunSQL(ROMANIZED_RU, "DROP FUNCTION IF EXISTS claims_romanized_ru(text);"),
    ]
