using Microsoft.EntityFrameworkCore;
using Pushboard.NotificationApi.Model;

namespace Pushboard.NotificationApi.Infrastructure;

public sealed class NotificationsDbContext(DbContextOptions<NotificationsDbContext> options) : DbContext(options)
{
    public DbSet<Notification> Notifications => Set<Notification>();
    public DbSet<Delivery> Deliveries => Set<Delivery>();
    public DbSet<DeliveryCount> DeliveryCounts => Set<DeliveryCount>();
    public DbSet<ScheduledWork> ScheduledWork => Set<ScheduledWork>();
    public DbSet<DeliveryOutcomeCount> DeliveryOutcomes => Set<DeliveryOutcomeCount>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Notification>(notification =>
        {
            notification.ToTable("notifications");
            notification.HasKey(n => n.Id);
            notification.Property(n => n.Id).HasColumnName("id").ValueGeneratedNever();
            notification.Property(n => n.Status).HasColumnName("status").HasMaxLength(16);
            notification.Property(n => n.CreatedAt).HasColumnName("created_at");
            notification.Property(n => n.UpdatedAt).HasColumnName("updated_at");
            notification.Property(n => n.ResolvedAt).HasColumnName("resolved_at");
            notification.Property(n => n.QueuedThroughDeliveryId).HasColumnName("queued_through_delivery_id");
            notification.Property(n => n.SweptWorkEntry).HasColumnName("swept_work_entry").HasMaxLength(64);
            notification.Property(n => n.CompletedAt).HasColumnName("completed_at");
            notification.Property(n => n.FailureReason).HasColumnName("failure_reason");
            notification.Property(n => n.TargetJson).HasColumnName("target").HasColumnType("jsonb");
            notification.Property(n => n.MessageJson).HasColumnName("message").HasColumnType("jsonb");
            notification.Property(n => n.SendAt).HasColumnName("send_at");
            notification.Property(n => n.LocalTime).HasColumnName("local_time").HasMaxLength(5);
            notification.Property(n => n.ApnsTtlSeconds).HasColumnName("apns_ttl_seconds");
            notification.Property(n => n.IdempotencyKey).HasColumnName("idempotency_key").HasMaxLength(128);
            notification.Property(n => n.RequestHash).HasColumnName("request_hash").HasMaxLength(64);
            notification.HasIndex(n => n.IdempotencyKey).IsUnique().HasFilter("idempotency_key IS NOT NULL");
            notification.HasIndex(n => new { n.Status, n.UpdatedAt });
            // Retention finds the notifications that ended long ago.
            notification.HasIndex(n => n.CompletedAt).HasFilter("completed_at IS NOT NULL");
        });

        modelBuilder.Entity<Delivery>(delivery =>
        {
            // Each delivery is written once pending and updated twice, by its lease and by its outcome: the two free
            // thirds of the page let both updates stay on the page (HOT updates), so they write no new entries into the
            // four indexes (with half the page free, one update in eight did: docs/notificationapi.md).
            delivery.ToTable("deliveries");
            delivery.HasStorageParameter("fillfactor", 33);
            delivery.HasKey(d => d.Id);
            delivery.Property(d => d.Id).HasColumnName("id").UseIdentityAlwaysColumn();
            delivery.Property(d => d.NotificationId).HasColumnName("notification_id");
            delivery.Property(d => d.DeviceId).HasColumnName("device_id").HasMaxLength(128);
            delivery.Property(d => d.Topic).HasColumnName("topic").HasMaxLength(900);
            delivery.Property(d => d.Token).HasColumnName("token").HasMaxLength(4096);
            delivery.Property(d => d.Status).HasColumnName("status").HasMaxLength(16);
            delivery.Property(d => d.FcmMessageId).HasColumnName("fcm_message_id");
            delivery.Property(d => d.Error).HasColumnName("error").HasMaxLength(DeliveryErrors.MaxLength);
            delivery.Property(d => d.Attempts).HasColumnName("attempts");
            delivery.Property(d => d.UpdatedAt).HasColumnName("updated_at");
            delivery.Property(d => d.LeaseId).HasColumnName("lease_id");
            delivery.Property(d => d.LeaseExpiresAt).HasColumnName("lease_expires_at");
            delivery.Property(d => d.ScheduledFor).HasColumnName("scheduled_for");
            delivery.HasIndex(d => new { d.NotificationId, d.DeviceId }).IsUnique();
            // A topic notification has one delivery: a redelivered resolve item cannot add a second one.
            delivery.HasIndex(d => new { d.NotificationId, d.Topic }).IsUnique().HasFilter("topic IS NOT NULL");
            delivery.HasIndex(d => new { d.NotificationId, d.Id });
            delivery.HasIndex(d => new { d.DeviceId, d.Id });
            // No foreign key to notifications: only the resolver inserts deliveries, for a notification it has just read,
            // and retention deletes a notification only after its deliveries. Postgres checks a foreign key row by row, which took a quarter of the
            // time of each page INSERT (docs/notificationapi.md).
        });

        modelBuilder.Entity<DeliveryCount>(count =>
        {
            count.ToTable("delivery_counts");
            count.HasKey(c => new { c.NotificationId, c.Shard });
            count.Property(c => c.NotificationId).HasColumnName("notification_id");
            count.Property(c => c.Shard).HasColumnName("shard");
            count.Property(c => c.Targeted).HasColumnName("targeted");
            count.Property(c => c.Pending).HasColumnName("pending");
            count.Property(c => c.Sent).HasColumnName("sent");
            count.Property(c => c.Failed).HasColumnName("failed");
            count.Property(c => c.InvalidToken).HasColumnName("invalid_token");
            count.Property(c => c.Canceled).HasColumnName("canceled");
            count.Property(c => c.UpdatedAt).HasColumnName("updated_at");
            count.Property(c => c.RateMinute).HasColumnName("rate_minute");
            count.Property(c => c.FinalThisMinute).HasColumnName("final_this_minute");
            count.Property(c => c.FinalLastMinute).HasColumnName("final_last_minute");
            count.HasOne<Notification>().WithMany().HasForeignKey(c => c.NotificationId);
        });

        modelBuilder.Entity<ScheduledWork>(work =>
        {
            work.ToTable("scheduled_work");
            work.HasKey(w => w.Id);
            work.Property(w => w.Id).HasColumnName("id").UseIdentityAlwaysColumn();
            work.Property(w => w.NotificationId).HasColumnName("notification_id");
            work.Property(w => w.Kind).HasColumnName("kind").HasMaxLength(16);
            work.Property(w => w.DueAt).HasColumnName("due_at");
            work.Property(w => w.FirstDeliveryId).HasColumnName("first_delivery_id");
            work.Property(w => w.LastDeliveryId).HasColumnName("last_delivery_id");
            work.Property(w => w.LeaseExpiresAt).HasColumnName("lease_expires_at");
            // One row per notification and moment: the resolver's pages of one moment widen its delivery id range.
            work.HasIndex(w => new { w.NotificationId, w.Kind, w.DueAt }).IsUnique();
            work.HasIndex(w => w.DueAt);
            work.HasOne<Notification>().WithMany().HasForeignKey(w => w.NotificationId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<DeliveryOutcomeCount>(outcome =>
        {
            // The stats read a range of minutes: the key leads with the minute.
            outcome.ToTable("delivery_outcomes");
            outcome.HasKey(o => new { o.Minute, o.Outcome, o.Error, o.Shard });
            outcome.Property(o => o.Minute).HasColumnName("minute");
            outcome.Property(o => o.Outcome).HasColumnName("outcome").HasMaxLength(16);
            outcome.Property(o => o.Error).HasColumnName("error").HasMaxLength(DeliveryErrors.MaxLength);
            outcome.Property(o => o.Shard).HasColumnName("shard");
            outcome.Property(o => o.Count).HasColumnName("count");
        });
    }
}
