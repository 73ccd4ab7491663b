using Microsoft.EntityFrameworkCore;

namespace Pushboard.DeviceApi.Infrastructure;

public sealed class DevicesDbContext(DbContextOptions<DevicesDbContext> options) : DbContext(options);
