"""rapports point d'avancement

A new table only: rapport_demande, one row per request of a "point d'avancement" PDF (level,
day, requester), its state (en_attente → en_cours → pret | echec) and, once ready, the key of
the PDF in the documents storage with the digest of the data it was drawn from (the cache).

Revision ID: bac44564edf4
Revises: 0b9b6c6268ca
Create Date: 2026-12-01 23:13:23.160992

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'bac44564edf4'
down_revision = '0b9b6c6268ca'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('rapport_demande',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('niveau', sa.String(length=20), nullable=False),
    sa.Column('code', sa.String(length=3), nullable=True),
    sa.Column('au', sa.Date(), nullable=False),
    sa.Column('etat', sa.Enum('en_attente', 'en_cours', 'pret', 'echec', name='rapportetat', native_enum=False, length=20), nullable=False),
    sa.Column('empreinte', sa.String(length=64), nullable=True),
    sa.Column('fichier', sa.String(length=64), nullable=True),
    sa.Column('taille', sa.Integer(), nullable=True),
    sa.Column('duree_ms', sa.Integer(), nullable=True),
    sa.Column('erreur', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('claimed_at', sa.DateTime(), nullable=True),
    sa.Column('generated_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_rapport_demande_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rapport_demande'))
    )
    with op.batch_alter_table('rapport_demande', schema=None) as batch_op:
        batch_op.create_index('ix_rapport_demande_cle', ['niveau', 'code', 'au'], unique=False)
        batch_op.create_index(batch_op.f('ix_rapport_demande_etat'), ['etat'], unique=False)
        batch_op.create_index(batch_op.f('ix_rapport_demande_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('rapport_demande', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rapport_demande_user_id'))
        batch_op.drop_index(batch_op.f('ix_rapport_demande_etat'))
        batch_op.drop_index('ix_rapport_demande_cle')

    op.drop_table('rapport_demande')
