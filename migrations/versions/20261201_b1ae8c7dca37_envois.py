"""envois: HTML part, headers, attachments, idempotency keys, claims, status and retries of
the outbox (app/core/outbox/)

Every existing message is kept: the new columns are nullable, `status` has a server default
and is then set from what each row says (sent, failed after the last attempt, or waiting).

Revision ID: b1ae8c7dca37
Revises: 86fa98521692
Create Date: 2026-12-01 20:12:48.561660

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b1ae8c7dca37'
down_revision = '86fa98521692'
branch_labels = None
depends_on = None

# The outbox's MAX_ATTEMPTS when this migration was written (len(RETRY_AFTER)).
MAX_ATTEMPTS = 5
STATUS = sa.Enum('en_attente', 'envoye', 'en_echec', name='messagestatus', native_enum=False, length=20)


def upgrade():
    op.create_table('outbox_attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('mime_type', sa.String(length=255), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['message_id'], ['outbox_message.id'], name=op.f('fk_outbox_attachment_message_id_outbox_message')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_attachment'))
    )
    op.create_index(op.f('ix_outbox_attachment_message_id'), 'outbox_attachment', ['message_id'], unique=False)

    # Plain ADD COLUMNs, on SQLite too: the table is not rebuilt.
    op.add_column('outbox_message', sa.Column('html_body', sa.Text(), nullable=True))
    op.add_column('outbox_message', sa.Column('headers', sa.JSON(), nullable=True))
    op.add_column('outbox_message', sa.Column('idempotency_key', sa.String(length=200), nullable=True))
    op.add_column('outbox_message', sa.Column('status', STATUS, server_default='en_attente', nullable=False))
    op.add_column('outbox_message', sa.Column('claimed_at', sa.DateTime(), nullable=True))
    op.add_column('outbox_message', sa.Column('claimed_by', sa.String(length=64), nullable=True))
    op.add_column('outbox_message', sa.Column('retried_at', sa.DateTime(), nullable=True))
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite cannot add a constraint to a table: the reference goes with the column.
        op.add_column('outbox_message', sa.Column('retried_by_id', sa.Integer(), sa.ForeignKey('user.id'), nullable=True),
                      inline_references=True)
    else:
        op.add_column('outbox_message', sa.Column('retried_by_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_outbox_message_retried_by_id_user'), 'outbox_message', 'user',
                              ['retried_by_id'], ['id'])
    op.create_index(op.f('ix_outbox_message_idempotency_key'), 'outbox_message', ['idempotency_key'], unique=True)
    op.create_index(op.f('ix_outbox_message_status'), 'outbox_message', ['status'], unique=False)

    outbox = sa.table('outbox_message', sa.column('status', sa.String), sa.column('sent_at', sa.DateTime),
                      sa.column('attempts', sa.Integer))
    op.execute(outbox.update().where(outbox.c.sent_at.is_not(None)).values(status='envoye'))
    op.execute(outbox.update()
               .where(outbox.c.sent_at.is_(None), outbox.c.attempts >= MAX_ATTEMPTS)
               .values(status='en_echec'))


def downgrade():
    # What the first schema can hold stays: sent_at and attempts already say sent and failed.
    op.drop_index(op.f('ix_outbox_message_status'), table_name='outbox_message')
    op.drop_index(op.f('ix_outbox_message_idempotency_key'), table_name='outbox_message')
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        if op.get_bind().dialect.name != 'sqlite':
            batch_op.drop_constraint(op.f('fk_outbox_message_retried_by_id_user'), type_='foreignkey')
        batch_op.drop_column('retried_by_id')
        batch_op.drop_column('retried_at')
        batch_op.drop_column('claimed_by')
        batch_op.drop_column('claimed_at')
        batch_op.drop_column('status')
        batch_op.drop_column('idempotency_key')
        batch_op.drop_column('headers')
        batch_op.drop_column('html_body')

    op.drop_index(op.f('ix_outbox_attachment_message_id'), table_name='outbox_attachment')
    op.drop_table('outbox_attachment')
