"""une commune dans plusieurs dossiers

`dossier_commune`'s primary key becomes (commune_insee, dossier_id): a commune may belong to
one dossier of each programme on the same territories (the demo's larger programme, `flask
demo seed --scale`); the PVD import still gives it one dossier. Nothing to carry over: every
row stays. No table references dossier_commune, so SQLite's copy of the table is safe.

The downgrade fails while a commune has two dossiers (the older key cannot hold them).

Revision ID: 5e1a0c9d7b21
Revises: dcc8aec26117
Create Date: 2026-12-02 00:05:00

"""
from alembic import op

revision = '5e1a0c9d7b21'
down_revision = 'dcc8aec26117'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('dossier_commune', schema=None) as batch_op:
        batch_op.drop_constraint('pk_dossier_commune', type_='primary')
        batch_op.create_primary_key('pk_dossier_commune', ['commune_insee', 'dossier_id'])


def downgrade():
    with op.batch_alter_table('dossier_commune', schema=None) as batch_op:
        batch_op.drop_constraint('pk_dossier_commune', type_='primary')
        batch_op.create_primary_key('pk_dossier_commune', ['commune_insee'])
