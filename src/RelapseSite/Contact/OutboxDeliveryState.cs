namespace RelapseSite.Contact;

/// <summary>Where this process's dispatcher stands with the delivery turn (<see cref="OutboxDeliveryTurn"/>), for readiness.</summary>
public sealed class OutboxDeliveryState
{
    private volatile bool _delivering;
    private volatile string? _problem;

    /// <summary>This process holds the turn and sends what the outbox holds.</summary>
    public bool Delivering
    {
        get => _delivering;
        set => _delivering = value;
    }

    /// <summary>Why no process here can deliver until someone acts (the lock file cannot be opened); null otherwise.</summary>
    public string? Problem
    {
        get => _problem;
        set => _problem = value;
    }
}
