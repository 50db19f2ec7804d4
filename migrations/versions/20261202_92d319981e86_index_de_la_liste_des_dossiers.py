"""index de la liste des dossiers

`ix_dossier_liste` on dossier (departement_code, nom, id), the home list's order: a page deep
in the national list (`/?page=N`, OFFSET) walks the index instead of sorting every dossier
first. An index only: nothing to carry over.

Revision ID: 92d319981e86
Revises: 5e1a0c9d7b21
Create Date: 2026-12-01 23:54:29.954955

"""
from alembic import op

revision = '92d319981e86'
down_revision = '5e1a0c9d7b21'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.create_index('ix_dossier_liste', ['departement_code', 'nom', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_index('ix_dossier_liste')
