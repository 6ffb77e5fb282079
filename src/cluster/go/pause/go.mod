module toe.local/pause

go 1.24
