// Debian's libpq (libpq-dev): the client library psql uses. Its header lives under
// /usr/include/postgresql, which the package manifest adds to the search path.
#include <postgresql/libpq-fe.h>
