"""jetons d'API

A new table only, api_token: the personal tokens of the API (app/api/), stored as the SHA-256
of their secret (unique), with their name, first characters, last use, revocation, and the
rate limit's window (its start and its count).

Revision ID: 0b9b6c6268ca
Revises: ad56ab305cf6
Create Date: 2026-12-01 23:09:06.864847

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0b9b6c6268ca'
down_revision = 'ad56ab305cf6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('nom', sa.String(length=100), nullable=False),
    sa.Column('debut', sa.String(length=16), nullable=False),
    sa.Column('empreinte', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_used_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('fenetre_debut', sa.DateTime(), nullable=True),
    sa.Column('fenetre_requetes', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_api_token_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('empreinte', name=op.f('uq_api_token_empreinte'))
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_user_id'))

    op.drop_table('api_token')
