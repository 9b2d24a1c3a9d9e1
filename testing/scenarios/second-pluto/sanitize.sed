# the refused pluto's start-up lines are not what this test is about: keep
# only its lines about the lock
/^west# .*pluto --nofork/,/^\[exit/{
  /^west# /b
  /^\[exit/b
  /pluto\.pid|already running|lock/!d
}
