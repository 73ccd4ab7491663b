using System.Data.Common;

namespace Pushboard.ServiceDefaults;

public static class DatabaseOutage
{
    // Whether an exception says the database is unreachable (down, restarting, connections broken) rather than that the
    // statement is wrong. EF Core and Npgsql wrap the driver's error (DbUpdateException, InvalidOperationException), so
    // the whole chain is searched.
    public static bool IsOutage(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is DbException { IsTransient: true } or TimeoutException)
            {
                return true;
            }
        }

        return false;
    }
}
