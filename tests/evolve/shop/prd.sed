# 5.1 Customer: the two fields added by `add field` (step 4), documented in the PRD
/^| marketing_opt_in | bool | yes | | false |/a\
| nickname | string | no | | | Name used in greetings |\
| loyalty_points | int | yes | | 0 | Points collected with past orders |
# the changed field: an address may leave the recipient empty (required → optional)
s/^| recipient | varchar(100) | yes | | | Name on the parcel |/| recipient | varchar(100) | no | | | Name on the parcel (the customer's name when empty) |/
# 5.8 Review and 5.9 Coupon come before the relationships (append.md)
s/^### 5\.8 Relationships/### 5.10 Relationships/
# reviews are in scope now
/^- Product reviews and ratings\.$/d
