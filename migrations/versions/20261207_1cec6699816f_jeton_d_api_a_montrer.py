"""jeton d'API à montrer

`api_token.a_montrer`: a new token's secret, XOR a key that only its creator's session cookie
holds, from its creation until the page the creation redirects to shows it (POST, redirect,
GET: a refresh no longer creates a second token). Existing tokens have none (shown already).

Revision ID: 1cec6699816f
Revises: d250c8261ce0
Create Date: 2026-12-07 15:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '1cec6699816f'
down_revision = 'd250c8261ce0'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('a_montrer', sa.String(length=128), nullable=True))


def downgrade():
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_column('a_montrer')
