"""notifications

In-app notifications (one per recipient), e-mail preferences per kind, the alerts already
sent (unique per dossier, rule, reference date and step: `flask alerts run` is idempotent),
and the programme settings the ANCT edits, every change kept. New tables only.

Revision ID: 3b4b37f396b1
Revises: cfcfd8e4a116
Create Date: 2026-12-01 20:07:11.695831

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3b4b37f396b1'
down_revision = 'cfcfd8e4a116'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notification_preference',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=50), nullable=False),
    sa.Column('delivery', sa.Enum('immediat', 'resume', 'aucun', name='delivery', native_enum=False, length=20), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_notification_preference_user_id_user')),
    sa.PrimaryKeyConstraint('user_id', 'kind', name=op.f('pk_notification_preference'))
    )
    op.create_table('programme_setting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('value', sa.String(length=200), nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['changed_by_id'], ['user.id'], name=op.f('fk_programme_setting_changed_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_setting'))
    )
    with op.batch_alter_table('programme_setting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programme_setting_key'), ['key'], unique=False)

    op.create_table('alert_sent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('rule', sa.String(length=30), nullable=False),
    sa.Column('reference_date', sa.Date(), nullable=False),
    sa.Column('step', sa.Integer(), nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_alert_sent_dossier_id_dossier')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_sent')),
    sa.UniqueConstraint('dossier_id', 'rule', 'reference_date', 'step', name=op.f('uq_alert_sent_dossier_id_rule_reference_date_step'))
    )
    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=50), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=True),
    sa.Column('delivery', sa.Enum('immediat', 'resume', 'aucun', name='delivery', native_enum=False, length=20), nullable=False),
    sa.Column('digested_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_notification_dossier_id_dossier')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_notification_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification'))
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index('ix_notification_digest', ['delivery', 'digested_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_notification_dossier_id'), ['dossier_id'], unique=False)
        batch_op.create_index('ix_notification_user_unread', ['user_id', 'read_at', 'id'], unique=False)



def downgrade():
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_user_unread')
        batch_op.drop_index(batch_op.f('ix_notification_dossier_id'))
        batch_op.drop_index('ix_notification_digest')

    op.drop_table('notification')
    op.drop_table('alert_sent')
    with op.batch_alter_table('programme_setting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_programme_setting_key'))

    op.drop_table('programme_setting')
    op.drop_table('notification_preference')
