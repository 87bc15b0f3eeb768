"""The desk products a tiers-lieu sells, shared by the scenario (its price and product-mix
fields) and the model (demand by product): one list, so the two cannot drift apart."""

#: Every desk product, in the order files and tables show them.
PRODUCTS = ("day_pass", "ten_day_pack", "flex_membership", "dedicated_desk", "office_seat")
#: The products that use flexible desks day by day (the others hold a desk or an office seat).
FLEX_PRODUCTS = ("day_pass", "ten_day_pack", "flex_membership")
