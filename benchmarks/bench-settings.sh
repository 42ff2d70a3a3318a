# Sourced by bench-server.sh and bench-cluster.sh: the settings every load-test server runs with. Cheap password
# hashing (the bench creates thousands of users; never do this in production) and rate limits out of the way.
bench_settings=(
  --Roost:Accounts:PasswordHashIterations=1000
  --Roost:Accounts:AllowWeakPasswordHashing=true
  --Roost:RateLimits:RegisterPerIp:PermitLimit=1000000
  --Roost:RateLimits:LoginPerIp:PermitLimit=1000000
  --Roost:RateLimits:LoginAttemptsPerAccount:PermitLimit=1000000
  --Roost:RateLimits:LoginAttemptsPerAccountAndNetwork:PermitLimit=1000000
  --Roost:Messaging:RateLimits:MessagesPerAccount:Rate=1000000
  --Roost:Messaging:RateLimits:MessagesPerAccount:Burst=1000000
  --Roost:Messaging:RateLimits:BytesPerAccount:Rate=1000000000
  --Roost:Messaging:RateLimits:BytesPerAccount:Burst=1000000000
  --Roost:Messaging:RateLimits:MessagesPerConversation:Rate=1000000
  --Roost:Messaging:RateLimits:MessagesPerConversation:Burst=1000000
  --Roost:Messaging:RateLimits:ReceiptsPerAccount:Rate=1000000
  --Roost:Messaging:RateLimits:ReceiptsPerAccount:Burst=1000000
  --Roost:Messaging:RateLimits:PresenceSubscribesPerAccount:Burst=1000000
  --Logging:LogLevel:Default=Warning
)
