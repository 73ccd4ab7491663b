using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Pushboard.DeviceApi.Model;

namespace Pushboard.DeviceApi.Infrastructure;

// Owns the devicesdb schema and its migrations. The hot request paths use DeviceStore and DeviceWriter (plain SQL) on the same tables.
public sealed class DevicesDbContext(DbContextOptions<DevicesDbContext> options) : DbContext(options)
{
    public DbSet<Device> Devices => Set<Device>();
    public DbSet<DeviceDayCount> DeviceDays => Set<DeviceDayCount>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        var device = modelBuilder.Entity<Device>();
        device.ToTable("devices", table =>
        {
            table.HasCheckConstraint("ck_devices_status", "status IN ('active', 'invalid')");
            table.HasCheckConstraint("ck_devices_platform", "platform IN ('android', 'ios', 'web')");
        });
        device.HasKey(d => d.DeviceId).HasName("pk_devices");
        // Bytewise ordering whatever the database's locale: list pages are ordered by deviceId (ordinal).
        device.Property(d => d.DeviceId).HasColumnName("device_id").HasMaxLength(128).UseCollation("C");
        device.Property(d => d.FcmToken).HasColumnName("fcm_token");
        device.Property(d => d.Platform).HasColumnName("platform").HasMaxLength(16);
        device.Property(d => d.UserId).HasColumnName("user_id").HasMaxLength(256);
        device.Property(d => d.AppVersion).HasColumnName("app_version").HasMaxLength(64);
        device.Property(d => d.Locale).HasColumnName("locale").HasMaxLength(64);
        device.Property(d => d.TimeZone).HasColumnName("time_zone").HasMaxLength(64);
        device.Property(d => d.Tags).HasColumnName("tags").HasColumnType("jsonb").HasDefaultValueSql("'{}'::jsonb")
            .HasConversion(tags => DeviceTags.Serialize(tags), json => DeviceTags.Parse(json),
                new ValueComparer<Dictionary<string, string>>(
                    (a, b) => DeviceTags.Serialize(a!) == DeviceTags.Serialize(b!), tags => DeviceTags.Serialize(tags).GetHashCode(), tags => new(tags)));
        device.Property(d => d.Status).HasColumnName("status").HasMaxLength(16);
        device.Property(d => d.InvalidReason).HasColumnName("invalid_reason").HasMaxLength(32);
        device.Property(d => d.CreatedAt).HasColumnName("created_at");
        device.Property(d => d.UpdatedAt).HasColumnName("updated_at");
        device.Property(d => d.TokenUpdatedAt).HasColumnName("token_updated_at");
        device.Property(d => d.LastSeenAt).HasColumnName("last_seen_at");
        device.Property(d => d.SecretHash).HasColumnName("secret_hash");

        // Every token refresh rewrites the row's index entries, so the indexes are few: the user filter walks
        // (user_id, device_id); the rare invalid devices have a partial index; the platform, active and stale filters
        // walk the primary key, where a page needs only limit / share-of-matching-rows entries.
        device.HasIndex(d => new { d.UserId, d.DeviceId }).HasDatabaseName("ix_devices_user_id_device_id");
        device.HasIndex(d => d.DeviceId).HasDatabaseName("ix_devices_invalid_device_id").HasFilter("status = 'invalid'");
        // The unique index on the token itself (md5 of it: a 4096-character token does not fit a btree entry)
        // is an expression index the model cannot express; it is created in the InitialCreate migration.

        var day = modelBuilder.Entity<DeviceDayCount>();
        day.ToTable("device_daily_counts");
        day.HasKey(d => new { d.Day, d.Shard }).HasName("pk_device_daily_counts");
        day.Property(d => d.Day).HasColumnName("day");
        day.Property(d => d.Shard).HasColumnName("shard");
        day.Property(d => d.Registrations).HasColumnName("registrations");
        day.Property(d => d.TokenRefreshes).HasColumnName("token_refreshes");
        day.Property(d => d.Invalidations).HasColumnName("invalidations");
    }
}
