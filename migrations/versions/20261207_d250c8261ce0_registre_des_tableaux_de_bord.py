"""registre des tableaux de bord

`tableau_variation`: each counted fact's variations by département and day, and
`tableau_cumul`: their sums before each month, which the dashboards read (app/tableaux/
registre.py); `tableau_registre`: whether they are up to date. All start empty: until `flask
tableaux reconstruire` builds the register (once, after this upgrade), the figures are
recomputed from the history as before. Nothing to carry over: the register is derived from the
data, and the downgrade drops it. On SQLite both tables are WITHOUT ROWID (kept in key order).

Revision ID: d250c8261ce0
Revises: 8b4738f19863
Create Date: 2026-12-07 15:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'd250c8261ce0'
down_revision = '8b4738f19863'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('tableau_registre',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('a_jour', sa.Boolean(), nullable=False),
    sa.Column('fin_programme', sa.Date(), nullable=False),
    sa.Column('premier_mois', sa.Date(), nullable=False),
    sa.Column('dernier_mois', sa.Date(), nullable=False),
    sa.Column('reconstruit_le', sa.DateTime(), nullable=False),
    sa.Column('perime_le', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tableau_registre'))
    )
    op.create_table('tableau_variation',
    sa.Column('departement_code', sa.String(length=3), nullable=False),
    sa.Column('indicateur', sa.String(length=30), nullable=False),
    sa.Column('cle', sa.String(length=80), nullable=False),
    sa.Column('jour', sa.Date(), nullable=False),
    sa.Column('valeur', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('departement_code', 'indicateur', 'cle', 'jour', name=op.f('pk_tableau_variation')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('tableau_variation', schema=None) as batch_op:
        batch_op.create_index('ix_tableau_variation_courbes', ['indicateur', 'jour', 'valeur'], unique=False)
        batch_op.create_index('ix_tableau_variation_jour', ['jour', 'departement_code', 'indicateur', 'cle', 'valeur'],
                              unique=False)
    op.create_table('tableau_cumul',
    sa.Column('mois', sa.Date(), nullable=False),
    sa.Column('departement_code', sa.String(length=3), nullable=False),
    sa.Column('indicateur', sa.String(length=30), nullable=False),
    sa.Column('cle', sa.String(length=80), nullable=False),
    sa.Column('valeur', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('mois', 'departement_code', 'indicateur', 'cle', name=op.f('pk_tableau_cumul')),
    sqlite_with_rowid=False
    )


def downgrade():
    op.drop_table('tableau_cumul')
    with op.batch_alter_table('tableau_variation', schema=None) as batch_op:
        batch_op.drop_index('ix_tableau_variation_jour')
        batch_op.drop_index('ix_tableau_variation_courbes')
    op.drop_table('tableau_variation')
    op.drop_table('tableau_registre')
