"""périodes d'OPAH

`opah_periode`: each commune's OPAH from a day (kind, phase, since), so that "communes en OPAH
au JJ/MM/AAAA" reads what was true that day. Carried over: each commune in an OPAH today gets
one period of its kind and phase, with no day (`depuis_le` NULL: counted at every day, as
before, and said on the dashboards) and created when its row was last changed. Downgrade:
the periods are dropped; each commune's current kind and phase stay on its row.

Revision ID: 8b4738f19863
Revises: 92d319981e86
Create Date: 2026-12-07 15:02:03.523491

"""
from alembic import op
import sqlalchemy as sa


revision = '8b4738f19863'
down_revision = '92d319981e86'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('opah_periode',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('revitalisation_id', sa.Integer(), nullable=False),
    sa.Column('opah_type', sa.Enum('aucune', 'opah', 'opah_ru', 'opah_rr', 'opah_cd', 'opah_cb', name='opahtype', native_enum=False, length=20), nullable=False),
    sa.Column('opah_phase', sa.Enum('pre_operationnelle', 'operationnelle', 'evaluation', name='opahphase', native_enum=False, length=20), nullable=True),
    sa.Column('depuis_le', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['revitalisation_id'], ['commune_revitalisation.id'], name=op.f('fk_opah_periode_revitalisation_id_commune_revitalisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_opah_periode'))
    )
    with op.batch_alter_table('opah_periode', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_opah_periode_revitalisation_id'), ['revitalisation_id'], unique=False)
    op.execute(
        "INSERT INTO opah_periode (revitalisation_id, opah_type, opah_phase, depuis_le, created_at) "
        "SELECT id, opah_type, opah_phase, NULL, updated_at FROM commune_revitalisation "
        "WHERE opah_type <> 'aucune' ORDER BY id"
    )


def downgrade():
    with op.batch_alter_table('opah_periode', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_opah_periode_revitalisation_id'))

    op.drop_table('opah_periode')
